import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { weakCiphers, weakProtocol } from '../src/model/tls-ciphers';
import { partSpan } from '../src/model/nginx-variables';
import { tlsInForceAt } from '../src/model/nginx-tls';
import { argumentsUnknown } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-weak-tls';

/** The *_protocols and *_ciphers directives of nginx's TLS server and client sides (http, stream, mail). */
const PROTOCOL_DIRECTIVES = new Set(['ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols']);
const CIPHER_DIRECTIVES = new Set(['ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers']);
/** The server side: they matter only where a server speaks TLS. */
const SERVER_SIDE = new Set(['ssl_protocols', 'ssl_ciphers']);

/** What each family gives away, for the message. */
const WHY: Record<string, string> = {
  NULL: 'no encryption',
  aNULL: 'no server authentication',
  EXPORT: '40/56-bit export keys',
  RC4: 'RC4 biases',
  DES: '56-bit DES',
  '3DES': '64-bit blocks (Sweet32)',
  MD5: 'MD5 MACs',
  LOW: 'low-strength ciphers',
};

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'ssl_protocols enables SSLv2/SSLv3/TLSv1/TLSv1.1, or ssl_ciphers enables NULL, anonymous, export, RC4, DES, 3DES, MD5 or LOW ciphers',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      weakProtocols: {
        message: '"{{directive}}" enables {{protocols}}',
        help: 'SSLv3 falls to POODLE, TLSv1.0 to BEAST, and TLSv1.0/1.1 offer only SHA-1/MD5-based handshakes; browsers dropped both in 2020, so what still negotiates them is an old client or an attacker who strips the newer versions. Write "ssl_protocols TLSv1.2 TLSv1.3;" (nginx\'s default since 1.23.4)',
      },
      weakCiphers: {
        message: '"{{directive}}" enables {{items}}: {{why}}',
        help: 'A client (or a man in the middle that edits the ClientHello) can pick any suite the list leaves enabled. Use a list without them, e.g. nginx\'s default "HIGH:!aNULL:!MD5" or Mozilla\'s "intermediate" list, or add "!aNULL:!eNULL:!EXPORT:!RC4:!DES:!3DES:!MD5" to yours',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    const index = model.nginx.directives;
    const inForce = tlsInForceAt(index);
    for (const use of [...PROTOCOL_DIRECTIVES, ...CIPHER_DIRECTIVES].flatMap((name) => index.usesNamed(name))) {
      const name = use.directive.name;
      const isProtocols = PROTOCOL_DIRECTIVES.has(name);
      // A file included in two places is one line to change.
      const key = `${use.directive.file}\0${use.directive.span.start.offset}`;
      if (argumentsUnknown(use.directive) || !first(key)) continue;
      // Judged where a TLS server uses it: an outer value every TLS server replaces is in force nowhere.
      if (SERVER_SIDE.has(name) && !inForce(use.level, name)) continue;
      const args = use.directive.args;
      if (isProtocols) {
        const weak = args.filter((arg) => weakProtocol(arg.value) !== undefined);
        if (weak.length === 0) continue;
        const protocols = weak.map((arg) => weakProtocol(arg.value)!).join(', ');
        yield { messageId: 'weakProtocols', data: { directive: name, protocols }, primary: weak[0].span, modelPath: use.path };
        continue;
      }
      const list = args[0];
      if (!list || list.value.includes('$')) continue;
      const weak = weakCiphers(list.value);
      if (weak.length === 0) continue;
      const items = weak.map((item) => `"${item.text}"`).join(', ');
      const why = [...new Set(weak.map((item) => WHY[item.family]))].join(', ');
      yield {
        messageId: 'weakCiphers',
        data: { directive: name, items, why },
        primary: partSpan(list, { start: weak[0].offset, end: weak[0].offset + weak[0].text.length }),
        modelPath: use.path,
      };
    }
  },
});
