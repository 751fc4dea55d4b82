import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argumentsUnknown } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-resolver-external';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'resolver names a public DNS server (8.8.8.8, 1.1.1.1...): its answers cross the internet over UDP and can be forged',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      publicResolver: {
        message: '"resolver {{addresses}}": {{count}} public DNS server(s), whose UDP answers an attacker on the path can forge',
        help: 'nginx asks the resolver over plain UDP, from one socket, and trusts the first answer that matches: anyone who can send packets toward the host can race the real answer and make proxy_pass connect to their address (and CVE-2021-23017 was a memory overwrite from a forged answer). A resolver on the host or the local network (127.0.0.53, the VPC resolver, kube-dns, 127.0.0.11 in Docker) is much harder to reach. Point resolver at it',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const use of model.nginx.directives.usesNamed('resolver')) {
      if (argumentsUnknown(use.directive)) continue;
      const key = `${use.directive.file}\0${use.directive.span.start.offset}`;
      if (!first(key)) continue;
      // valid=30s, ipv6=off, status_zone=..., and variables are not addresses.
      const addresses = use.directive.args.filter((arg) => !arg.value.includes('=') && !arg.value.includes('$'));
      const external = addresses.filter((arg) => isPublicAddress(hostOf(arg.value)));
      if (external.length === 0) continue;
      yield {
        messageId: 'publicResolver',
        data: { addresses: external.map((arg) => arg.value).join(' '), count: external.length },
        primary: external[0].span,
        modelPath: use.path,
      };
    }
  },
});

/** `8.8.8.8:53` → 8.8.8.8, `[2001:db8::1]:53` → 2001:db8::1; a bare IPv6 address stays. */
function hostOf(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colons = address.split(':').length - 1;
  return colons === 1 ? address.split(':')[0] : address;
}

/**
 * Whether a literal IP address is on the public internet. Host names are not judged: a name is
 * resolved once at start from the system, and nothing says where it points.
 */
export function isPublicAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 10 || a === 127 || a === 0) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false; // link-local: the cloud metadata resolvers (169.254.169.253)
    if (a === 100 && b >= 64 && b <= 127) return false; // carrier-grade NAT, shared address space
    return true;
  }
  if (!host.includes(':')) return false; // a name
  const lower = host.toLowerCase();
  if (lower === '::1' || lower === '::') return false;
  if (/^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower)) return false; // unique local, link-local
  if (/^fd00:ec2::/.test(lower)) return false;
  return /^[0-9a-f:]+$/.test(lower);
}
