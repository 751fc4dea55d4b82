/** Which Tomcat lines have which features: facts from Tomcat's changelogs and source trees. */
import type { Span } from '../../source/span';

/** The Tomcat release the tree runs, from an image tag (`tomcat:10.1-jdk17`), when it says. */
export type TomcatVersion =
  | { kind: 'unknown' }
  | {
      kind: 'known';
      major: number;
      minor?: number;
      patch?: number;
      /** `tomcat:10.1-jdk17`. */
      text: string;
      span: Span;
    };

/**
 * Whether the release has a change that landed in several lines at once: `firsts` maps a line
 * (`9.0`, or `9` for "any 9.x") to its first release with it. Lines newer than every listed one
 * have it; older or unlisted ones do not. A tag without a patch number (`tomcat:9.0`) runs the
 * line's current release; an unknown version is judged on the lines cfglint assumes (9.0,
 * 10.1, 11.0 at their current releases), which is what `unknown` says.
 */
export function tomcatHas(version: TomcatVersion, firsts: Record<string, number>, unknown: boolean): boolean {
  if (version.kind === 'unknown') return unknown;
  // `tomcat:8` runs the newest 8.x line.
  const line =
    version.minor !== undefined
      ? `${version.major}.${version.minor}`
      : (Object.keys(firsts)
          .filter((key) => key.split('.')[0] === String(version.major))
          .sort()
          .pop() ?? '');
  const first = firsts[line] ?? firsts[String(version.major)];
  if (first !== undefined) return version.patch === undefined || version.patch >= first;
  const newest = Math.max(...Object.keys(firsts).map((line) => Number(line.split('.')[0])));
  return version.major > newest;
}

/**
 * AJP `secretRequired` (default true) and the loopback default address: Tomcat 9.0.31, 8.5.51
 * and 7.0.100 (changelogs, 2020-02), and every later line (docs/servers/tomcat.md#ajp-secretrequired).
 */
export function ajpSecretRequiredExists(version: TomcatVersion): boolean {
  return tomcatHas(version, { '7.0': 100, '8.5': 51, '9.0': 31, '10': 0 }, true);
}

/**
 * Whether the release's stock conf/server.xml is the one cfglint models for the official image:
 * only the HTTP connector on 8080. Before 9.0.31 (and in 8.5, 7.0) an AJP connector on 8009 was
 * live too; lines after 11.0 are not checked. An unknown version (`tomcat:latest`, `tomcat:jdk17`)
 * is a current line.
 */
export function stockServerXmlKnown(version: TomcatVersion): boolean {
  if (version.kind === 'known' && version.major > 11) return false;
  return tomcatHas(version, { '9.0': 31, '10': 0 }, true);
}

/**
 * `requiredSecret`, the pre-2020 name of `secret`: AbstractAjpProtocol keeps it as a deprecated
 * alias in 9.0 and 10.1 and has none in 11.0. 'depends' when the version is not known.
 */
export function ajpRequiredSecretAliasWorks(version: TomcatVersion): boolean | 'depends' {
  if (version.kind === 'unknown') return 'depends';
  return version.major < 11;
}

/**
 * Protocol classes that exist in some lines only; ProtocolHandler.create loads any other name with
 * Class.forName. The BIO classes are gone after 8.5, the APR/native ones after 10.0 (10.1.x
 * changelog: "Remove the deprecated APR/Native connector"). Checked in the source trees of
 * 7.0.x, 8.5.x, 9.0.x, 10.0.x, 10.1.x and 11.0.x. 'depends' when the version is unknown and the
 * lines cfglint assumes (9.0, 10.1, 11.0) disagree.
 */
const LAST_LINE_WITH_CLASS: Record<string, [number, number]> = {
  'org.apache.coyote.http11.Http11Protocol': [8, 5],
  'org.apache.coyote.ajp.AjpProtocol': [8, 5],
  'org.apache.coyote.http11.Http11AprProtocol': [10, 0],
  'org.apache.coyote.ajp.AjpAprProtocol': [10, 0],
};

export function protocolClassExists(protocolName: string, version: TomcatVersion): boolean | 'depends' {
  const last = LAST_LINE_WITH_CLASS[protocolName];
  if (!last) return true;
  if (version.kind === 'unknown') return last[0] >= 9 ? 'depends' : false;
  // `tomcat:10` runs the newest 10.x line.
  const minor = version.minor ?? Infinity;
  return version.major < last[0] || (version.major === last[0] && minor <= last[1]);
}

/** `<Server portOffset>` exists from 9.0.13 (9.0.x changelog); older lines ignore it. */
export function portOffsetExists(version: TomcatVersion): boolean {
  return tomcatHas(version, { '9.0': 13, '10': 0 }, true);
}

/** `Tomcat 10.1 (tomcat:10.1-jdk17)` or `Tomcat (version not known)`. */
export function describeTomcatVersion(version: TomcatVersion): string {
  if (version.kind === 'unknown') return 'Tomcat (version not known)';
  const number = [version.major, version.minor, version.patch].filter((part) => part !== undefined).join('.');
  return `Tomcat ${number} (${version.text})`;
}
