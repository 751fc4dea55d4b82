import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { argEqualsIgnoringCase } from '../src/model/nginx-directives';
import { answersNoContent, returnAnswer } from '../src/model/nginx-return-type';
import { docsUrl } from '../src/source/meta';

/** A hidden upstream Content-Type leaves the added one alone. */
const HIDE_HEADER = ['proxy_hide_header', 'fastcgi_hide_header', 'uwsgi_hide_header', 'scgi_hide_header', 'grpc_hide_header'];

const ID = 'nginx-add-header-content-type';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'add_header Content-Type adds a second Content-Type next to the one nginx sets: use default_type',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      secondContentType: {
        message: '"add_header {{name}} {{value}}" adds a second Content-Type to the one nginx already sends',
        help: 'add_header does not replace Content-Type: nginx sends its own (from types/default_type, or the upstream\'s) and then this one, so the response has two. Browsers and caches disagree on which wins; one that takes the HTML type of the pair sniffs a JSON or text answer as a page. Set the type with "default_type application/json;" (or a types {} block) in that location; to change an upstream\'s, add "proxy_hide_header Content-Type;" first',
      },
      sameContentType: {
        message: '"add_header {{name}} {{value}}" repeats the Content-Type nginx already sends for this return ({{type}}, from default_type){{typedUris}}',
        help: 'nginx sends its own "Content-Type: {{type}}" and then this identical one. Clients read one type from the pair: browsers combine the values as the Fetch standard\'s "extract a MIME type" does, Go and Python\'s urllib take the first, curl the last; only a client that joins them (requests, fetch()\'s headers.get) shows "{{value}}, {{value}}". RFC 9110 still forbids sending a singleton field twice: delete the add_header line, default_type already says it',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // Most trees never add a Content-Type: the index answers that without walking the blocks.
    const isContentType = (value: string | undefined) => value !== undefined && value.length === 12 && value.toLowerCase() === 'content-type';
    // Compared in the text: neither values nor argument objects for every add_header of the tree.
    if (!model.nginx.directives.someDirectiveNamed('add_header', (directive) => argEqualsIgnoringCase(directive, 0, 'content-type'))) return;
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('add_header')) continue;
      for (const block of [scope.http, ...scope.http.descendants()]) {
        for (const entry of block.directives) {
          if (entry.directive.name !== 'add_header') continue;
          const [name, value] = entry.directive.args;
          if (!name || !isContentType(name.value)) continue;
          // An empty value adds nothing; a hidden upstream type leaves this one alone.
          // A 204 carries no type of nginx's own (the CORS preflight answer): the added one is the only one.
          if (!value || value.value === '' || hidesContentType(block) || answersNoContent(block)) continue;
          const key = `${entry.directive.file}\0${name.span.start.offset}`;
          if (!first(key)) continue;
          const base = { primary: name.span, modelPath: `${block.path}>add_header` };
          const answer = returnAnswer(block);
          // The same type twice confuses no client; a URI whose extension `types` lists gets that type
          // instead, which matters only if the body can carry the request.
          if (answer && value.value.toLowerCase() === answer.defaultType.toLowerCase() && (answer.extensionless || answer.fixedText)) {
            const typedUris = answer.extensionless
              ? ''
              : '; for a URI whose extension types lists (.html), nginx sends that type instead, next to this one, but the answer is fixed text';
            yield {
              ...base,
              messageId: 'sameContentType',
              data: { name: name.value, value: value.value, type: answer.defaultType, typedUris },
              maxSeverity: 'info',
            };
            continue;
          }
          yield { ...base, messageId: 'secondContentType', data: { name: name.value, value: value.value } };
        }
      }
    }
  },
});

function hidesContentType(block: NginxBlock): boolean {
  return HIDE_HEADER.some((name) => block.inheritedList(name).entries.some((entry) => entry.directive.args[0]?.value.toLowerCase() === 'content-type'));
}
