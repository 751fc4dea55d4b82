/**
 * Which reader takes a file: by name first, then by a look at the content. A new format gets a
 * name in FileFormat, a line in classifyBackendOrSystem, a reader in src/readers/<format>/, and
 * a test in test/discovery/classify.test.ts.
 */
import * as nodePath from 'path';
import { DIALECT_NAMES, maskTemplate, templateDialectOf, TemplateDialect, TemplateName, templateName } from './template';
import { hasIniSectionHeader } from './ini-section';
import { isGunicornSetting } from '../reference/gunicorn-settings';

export type FileFormat =
  | 'nginx'
  | 'dockerfile'
  | 'compose'
  | 'uwsgi'
  | 'gunicorn'
  | 'tomcat'
  | 'catalina-properties'
  | 'spring-boot'
  | 'systemd'
  | 'sysctl'
  | 'limits'
  | 'procfile'
  | 'supervisord'
  | 'shell'
  | 'kubernetes'
  | 'helm-values'
  | 'terraform'
  | 'cloudformation'
  /** A uWSGI config in YAML, JSON or XML: a uWSGI server runs, with settings cfglint does not read. */
  | 'uwsgi-unread';

/** Every format, for the `files` mapping of .cfglint.json and --list-files. */
export const FILE_FORMATS: readonly FileFormat[] = [
  'nginx',
  'dockerfile',
  'compose',
  'uwsgi',
  'gunicorn',
  'tomcat',
  'catalina-properties',
  'spring-boot',
  'systemd',
  'sysctl',
  'limits',
  'procfile',
  'supervisord',
  'shell',
  'kubernetes',
  'helm-values',
  'terraform',
  'cloudformation',
  'uwsgi-unread',
];

export function isFileFormat(name: string): name is FileFormat {
  return (FILE_FORMATS as readonly string[]).includes(name);
}

/** What, in a file's head, made a format of it (for --list-files). */
const CONTENT_SIGNS: Partial<Record<FileFormat, string>> = {
  nginx: 'nginx blocks or directives',
  uwsgi: 'a [uwsgi] section',
  'uwsgi-unread': 'a uwsgi key or element (YAML, JSON or XML)',
  tomcat: 'a <Server> or <Connector> element',
  'helm-values': "a top-level controller: key (the ingress-nginx chart's values)",
  kubernetes: 'apiVersion: and kind:',
  compose: 'a top-level services: with image: or build:',
  cloudformation: 'AWSTemplateFormatVersion, or Resources with a Type: AWS::…',
  gunicorn: 'assignments to gunicorn settings',
  shell: 'a #! line and no [Section] header (a script, not a unit)',
  supervisord: 'a [program:…] or [supervisord] section',
};

/** kustomize's kustomization.yaml, .yml or Kustomization, lower-cased. */
const KUSTOMIZATION_NAME = /^kustomization(\.ya?ml)?$/;
/**
 * Build and dev tools that borrow Kubernetes' `apiVersion:`/`kind:` header for their own files,
 * which no cluster is given: Skaffold (`skaffold/v4beta11`), Jib (`jib/v1alpha1`), kind's cluster
 * config (`kind.x-k8s.io/v1alpha4`), k3d (`k3d.io/v1alpha5`), Backstage's catalog (`backstage.io/v1alpha1`).
 */
const TOOL_API_VERSION = /^apiVersion:[ \t]*["']?(?:skaffold|jib|kind\.x-k8s\.io|k3d\.io|backstage\.io)\//m;

/** A top-level `apiVersion:` and `kind:`, of no tool that borrows them. */
function isManifestHead(head: string): boolean {
  return /^apiVersion:/m.test(head) && /^kind:/m.test(head) && !TOOL_API_VERSION.test(head);
}

const SUPERVISOR_SECTION = /^[ \t]*\[(program:[^\]\n]+|supervisord)\][ \t]*\r?$/m;

/**
 * A compose file under another name (galaxy_ng's `dev/compose/standalone.yaml`, JHipster's
 * `src/main/docker/app.yml`): a top-level `services:` whose services say `image:` or `build:`,
 * and none of the keys a CI workflow (`jobs:`, `on:`) or a manifest (`apiVersion:`) has at the top.
 */
function isComposeText(head: string): boolean {
  return /^services:[ \t]*\r?$/m.test(head) && /^[ \t]+(image|build):/m.test(head) && !/^(jobs|on|apiVersion|stages|pipelines|steps):/m.test(head);
}

/** uWSGI's other config syntaxes (--yaml, --json, --xml): a top-level `uwsgi:` key, `{"uwsgi":`, `<uwsgi>`. */
const UWSGI_OTHER_SYNTAX = /^uwsgi:[ \t]*\r?$|^\s*\{\s*"uwsgi"\s*:|^\s*<uwsgi>/m;

/**
 * Backend and system formats, by name and (where the name is not enough) a look at the head.
 * Tried before nginx, so a uWSGI .ini or a sysctl .conf never reaches the nginx checks.
 */
function classifyBackendOrSystem(lower: string, dir: string, parentDir: string, readHead: () => string | undefined): FileFormat | undefined {
  // `Procfile.dev`, `Procfile.prod`; a script named after one (babybuddy's `web: bash Procfile.sh`) is a script.
  if (lower === 'procfile' || (lower.startsWith('procfile.') && !/\.(sh|bash|py|md|txt|ya?ml|json)$/.test(lower))) return 'procfile';
  if (/gunicorn.*\.py$/.test(lower)) return isPythonModuleNotGunicornConfig(readHead()) ? undefined : 'gunicorn';
  if (lower === 'catalina.properties') return 'catalina-properties';
  // A Kubernetes manifest named like Spring's file (a chart's `templates/application-config.yaml`,
  // a ConfigMap that carries one) is a manifest: Spring never reads a top-level apiVersion and kind.
  if (/^application(-[\w.-]+)?\.(properties|ya?ml)$/.test(lower))
    return lower.endsWith('.properties') || !isManifestHead(readHead() ?? '') ? 'spring-boot' : 'kubernetes';
  // A unit has sections: a `.service` that starts with `#!` and has none is a script kept under a
  // service's name (a runit `run` file: nginxinc/NGINX-Demos ADDs nginx.service to /etc/service/nginx/run).
  if (lower.endsWith('.service') || lower.endsWith('.socket')) return isScriptNotUnit(readHead()) ? 'shell' : 'systemd';
  if (lower.endsWith('.conf') && /\.(service|socket)\.d$/.test(dir)) return 'systemd';
  if (lower === 'sysctl.conf' || (lower.endsWith('.conf') && dir === 'sysctl.d')) return 'sysctl';
  if (lower === 'limits.conf' || (lower.endsWith('.conf') && dir === 'limits.d' && parentDir === 'security')) return 'limits';
  // supervisord.conf, or the conf.d files it includes: a .conf or .ini with [program:…] sections.
  if (lower === 'supervisord.conf' || (/\.(conf|ini)$/.test(lower) && SUPERVISOR_SECTION.test(readHead() ?? ''))) return 'supervisord';
  if (lower.endsWith('.ini')) return /^[ \t]*\[uwsgi\][ \t]*\r?$/im.test(readHead() ?? '') ? 'uwsgi' : undefined;
  // uWSGI reads any name with --ini (`uwsgi.conf`, `app.cfg`); a [uwsgi] section says which.
  if (/\.(conf|cfg)$/.test(lower) && /^[ \t]*\[uwsgi\][ \t]*\r?$/m.test(readHead() ?? '')) return 'uwsgi';
  if (/\.(ya?ml|json|xml)$/.test(lower) && UWSGI_OTHER_SYNTAX.test(readHead() ?? '')) return 'uwsgi-unread';
  if (lower.endsWith('.xml')) return /<Server[\s>]|<Connector[\s>]/.test(readHead() ?? '') ? 'tomcat' : undefined;
  if (lower.endsWith('.sh')) return 'shell';
  // A kustomization that generates ConfigMaps from files says which pods get them (readers/kubernetes).
  if (KUSTOMIZATION_NAME.test(lower)) return /^configMapGenerator:/m.test(readHead() ?? '') ? 'kubernetes' : undefined;
  // The ingress-nginx chart's values: its controller's ConfigMap and image live under `controller:`.
  if (/^values([.-][\w.-]+)?\.ya?ml$/.test(lower)) return /^controller:/m.test(readHead() ?? '') ? 'helm-values' : undefined;
  if (/\.ya?ml$/.test(lower)) {
    const head = readHead() ?? '';
    if (isManifestHead(head)) return 'kubernetes';
    if (/^apiVersion:/m.test(head) && /^kind:/m.test(head)) return undefined;
    return parentDir !== '.github' && isComposeText(head) ? 'compose' : undefined;
  }
  return undefined;
}

/**
 * A first line naming a POSIX-like shell, directly, through env, or through s6-overlay's
 * with-contenv; `bashio` is Home Assistant's bash with its library loaded.
 */
export const SHELL_SHEBANG = /^#![ \t]*\S*\/(?:(?:env|with-contenv)[ \t]+(?:\S*\/)?)?(?:bashio|(?:ba|da|a|z|k|mk)?sh)\b/;

/**
 * A shell script kept without `.sh` (openfun/richie's `docker/files/usr/local/bin/entrypoint`): a
 * name without an extension and a first line naming a shell. Asked only of a file an image or a
 * mount places by its own name, so that the tree's other extensionless files stay unread.
 */
export function isExtensionlessShellScript(path: string, head: string | undefined): boolean {
  return !nodePath.basename(path).slice(1).includes('.') && head !== undefined && SHELL_SHEBANG.test(head);
}

function isScriptNotUnit(head: string | undefined): boolean {
  return head !== undefined && head.startsWith('#!') && !/^[ \t]*\[[A-Za-z][\w -]*\][ \t]*\r?$/m.test(head);
}

const NGINX_DIRECTORIES = new Set(['conf.d', 'sites-enabled', 'sites-available', 'snippets', 'vhosts', 'vhosts.d', 'servers', 'http.d', 'stream.d', 'nginx']);
const NGINX_PACKAGE_FILES = new Set([
  'mime.types',
  'fastcgi_params',
  'fastcgi.conf',
  'uwsgi_params',
  'scgi_params',
  'proxy_params',
  'koi-utf',
  'koi-win',
  'win-utf',
]);

/** A block that only nginx writes this way: `server {`, `location /x {`, `upstream app {`. */
/** A Markdown code fence on a line of its own (```` ``` ```` or `~~~`, with an info string): nginx has no such line. */
const MARKDOWN_FENCE = /^[ \t]{0,3}(?:```|~~~)[\w+-]*[ \t]*\r?$/m;
const NGINX_BLOCK = /(?:^|[\n;{}])[ \t]*(?:http|server|upstream|location|events|stream|map|geo|split_clients|limit_except|types)\b[^;{}=\n]*\{/;
/** A line that is one nginx directive ending in `;` (and not `key = value`). */
const NGINX_DIRECTIVE_LINE =
  /^[ \t]*(?:listen|server_name|root|proxy_pass|proxy_set_header|uwsgi_pass|fastcgi_pass|grpc_pass|fastcgi_param|uwsgi_param|add_header|include|rewrite|return|try_files|access_log|error_log|client_max_body_size|ssl_certificate|ssl_certificate_key|gzip|expires|keepalive_timeout|sendfile|worker_processes|worker_connections|proxy_read_timeout|index|allow|deny)\s[^=\n]*;[ \t]*(?:#.*)?\r?$/m;

/** `ssl_protocols TLSv1.2;`, `env PATH;`: a lowercase name, arguments that do not start with `=`, a `;`. */
const NGINX_SIMPLE_DIRECTIVE = /^[a-z_][a-z0-9_]*(?:[ \t]+[^\s=#;{][^\n]*)?;[ \t]*(?:#.*)?$/;

/** Whether the first line that is not blank or a comment is one complete nginx directive. */
function startsWithNginxDirective(head: string): boolean {
  for (const line of head.split('\n')) {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    return text.length < 4096 && NGINX_SIMPLE_DIRECTIVE.test(text);
  }
  return false;
}

/**
 * @param named the user named this file on the command line: unless its name or content says it
 *   is something else, it is read as nginx (a fragment of unknown shape still gets its syntax checked).
 */
export function classify(path: string, readHead: () => string | undefined, named = false): FileFormat | undefined {
  return classifyWithTemplate(path, readHead, named)?.format;
}

export interface Classified {
  format: FileFormat;
  /** Set when the file is a template of `format`: its language, from the content or else the name. */
  template?: TemplateDialect;
}

/** A file's format, or none, and why: by name, by content, named on the command line, skipped because … */
export interface Explained {
  classified?: Classified;
  reason: string;
}

/** Formats whose own syntax has no `${NAME}`, so that `${NAME}` in them is a placeholder. */
const ENVSUBST_FORMATS = new Set<FileFormat>(['nginx', 'uwsgi']);

/**
 * What a file is and whether it is a template. A name with a template suffix (`nginx.conf.j2`,
 * `default.conf.template`, `app.template.conf`) is classified by the name it renders to; a file
 * whose content holds template tags is a template of the format its name says. A template of a
 * format without a tolerant reading (TOLERANT_FORMATS) is recognised and left alone (undefined).
 */
export function classifyWithTemplate(path: string, readHead: () => string | undefined, named = false): Classified | undefined {
  return explainClassification(path, readHead, named).classified;
}

/** `AWSTemplateFormatVersion:` (YAML or JSON key) at any depth of the head. */
const CLOUDFORMATION_VERSION = /^[ \t{]*"?AWSTemplateFormatVersion"?[ \t]*:/m;
/** A top-level `Resources:` (YAML) or a `"Resources":` key (JSON) ... */
const CLOUDFORMATION_RESOURCES = /^Resources:|"Resources"[ \t]*:/m;
/** ... holding a resource of an AWS type. */
const CLOUDFORMATION_TYPE = /"?Type"?[ \t]*:[ \t]*['"]?AWS::/;

/**
 * Terraform by name (`.tf`, `.tf.json`); CloudFormation by content, whatever the extension
 * (`.yaml`, `.json`, `.template`): a compose file or a Kubernetes manifest never is one.
 */
function classifyCloud(lower: string, readHead: () => string | undefined): { format: FileFormat; how: string } | undefined {
  if (lower.endsWith('.tf') || lower.endsWith('.tf.json')) return { format: 'terraform', how: 'by name' };
  if (!/\.(ya?ml|json|template)$/.test(lower) || /^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(lower)) return undefined;
  const head = readHead();
  if (head === undefined || (/^apiVersion:/m.test(head) && /^kind:/m.test(head))) return undefined;
  if (CLOUDFORMATION_VERSION.test(head) || (CLOUDFORMATION_RESOURCES.test(head) && CLOUDFORMATION_TYPE.test(head))) {
    return { format: 'cloudformation', how: `by content: ${CONTENT_SIGNS.cloudformation}` };
  }
  return undefined;
}

/**
 * classifyWithTemplate, with the reason for its answer. `inGeneratorDirectory`: the file lies
 * under a directory named with a template tag (cookiecutter's `{{cookiecutter.project_slug}}/`,
 * copier's `{{ name }}/`), where a project generator renders what holds tags: such a file is a
 * template of the format its own name says, whatever its suffix.
 */
export function explainClassification(path: string, readHead: () => string | undefined, named = false, inGeneratorDirectory = false): Explained {
  const lower = nodePath.basename(path).toLowerCase();
  let head: string | undefined;
  let headRead = false;
  const rawHead = () => {
    if (!headRead) {
      head = readHead();
      headRead = true;
    }
    return head;
  };
  const byName = templateName(lower) ?? (inGeneratorDirectory ? generatorTemplate(lower, rawHead()) : undefined);
  const cloud = classifyCloud(lower, rawHead);
  if (cloud) return { classified: { format: cloud.format }, reason: cloud.how };
  if (byName) {
    // A template's content is judged with its tags masked (`server {{ name }} {` reads as nginx).
    const dialect = (): TemplateDialect => {
      const text = rawHead();
      return (text === undefined ? undefined : templateDialectOf(text)) ?? byName.dialect ?? 'envsubst';
    };
    const maskedHead = () => {
      const text = rawHead();
      return text === undefined ? undefined : maskTemplate(text, dialect()).text;
    };
    const renderedPath = nodePath.join(nodePath.dirname(path), byName.rendered);
    // A template of nothing cfglint knows (`index.html.j2`, a Django `.tpl`) stays unread.
    const plain = classifyPlainExplained(renderedPath, maskedHead, named);
    const format = plain.format;
    if (!format) return { reason: `skipped: a template of no format cfglint reads (renders to ${byName.rendered})` };
    const template = templateOf(dialect());
    if (!TOLERANT_FORMATS.has(format)) {
      // No tag at all: it renders to itself (ihatemoney's gunicorn.conf.py.j2 beside its nginx.conf.j2).
      // Not with `${x}` or `%{ … }` left: Terraform's templatefile() fills those in.
      const text = rawHead();
      if (text !== undefined && templateDialectOf(text) === undefined && !/\$\{|%\{/.test(text))
        return { classified: { format }, reason: `${plain.how}, as ${byName.rendered}: a template name without a template tag, so it renders to itself` };
      return { reason: `skipped: ${articled(template)} of ${format}, a format cfglint reads only once rendered` };
    }
    // `uid = <user name>`: placeholders of no known language would be read as values. nginx's
    // reader copes (look-alikes, template-unreadable); the others' would judge them.
    const known = byName.dialect ?? templateDialectOf(rawHead() ?? '');
    if (format !== 'nginx' && !known) return { reason: `skipped: a template of ${format} in no template language cfglint knows` };
    return { classified: { format, template: dialect() }, reason: `${template} of ${format} (renders to ${byName.rendered}: ${plain.how})` };
  }
  const plain = classifyPlainExplained(path, rawHead, named);
  const { format } = plain;
  if (!format) return { reason: plain.skipped };
  // A line that starts with a Jinja statement (`{% if tls %}`) is no YAML: the file is a template of
  // it. Asked where the content decided the format anyway (a compose file, named, is the compose
  // reader's to tell: its head is never read here). A line that is one Go action (Helm's
  // `{{- with .Values.x }}`) is no YAML either, but Helm's: the next test names it.
  if (
    /\.ya?ml$/.test(lower) &&
    plain.how.startsWith('by content') &&
    isJinjaTemplateText(rawHead() ?? '') &&
    templateDialectOf(rawHead() ?? '') !== 'go-template'
  )
    return { reason: `skipped: ${articled(templateOf('jinja'))} of ${format}, a format cfglint reads only once rendered (${jinjaLineShape(rawHead() ?? '')})` };
  // A Helm chart's manifest (`name: {{ .Release.Name }}-web`): the Kubernetes reader reads
  // manifests only as rendered, so it is skipped here, where --list-files says so.
  if (format === 'kubernetes' && rawHead()?.includes('{{'))
    return { reason: 'skipped: a Go template (Helm) of kubernetes, a format cfglint reads only once rendered' };
  if (!TOLERANT_FORMATS.has(format)) return { classified: { format }, reason: plain.how };
  const text = rawHead();
  const dialect = text === undefined ? undefined : templateDialectOf(text, { envsubst: ENVSUBST_FORMATS.has(format) });
  if (!dialect) return { classified: { format }, reason: plain.how };
  return { classified: { format, template: dialect }, reason: `${templateOf(dialect)} of ${format} (${plain.how}; template tags in its content)` };
}

// Or a line that is one expression, which renders to lines: `{{ patch("…")|indent(2) }}`
// (overhangio/tutor's compose templates).
const JINJA_STATEMENT_LINE = /^[ \t]*(\{%-?[ \t]*\w[^\n]*%\}|\{\{[^\n]*\}\}[ \t]*$)/m;

/**
 * Whether a line of the text starts with a Jinja statement (`{% set … %}`) or is one expression
 * (`{{ … }}`), which no YAML or INI file can hold there.
 */
export function isJinjaTemplateText(text: string): boolean {
  return JINJA_STATEMENT_LINE.test(text);
}

/** Which of the two lines made a text a Jinja template, for the reason --list-files gives. */
function jinjaLineShape(text: string): string {
  return /^[ \t]*\{%/m.test(text) ? 'a line starts with {% … %}' : 'a line is one {{ … }} expression';
}

/** A file of a generator's directory with template tags in its head renders to its own name. */
function generatorTemplate(lower: string, head: string | undefined): TemplateName | undefined {
  // Not `${NAME}`: a compose file or a script uses it for itself.
  const dialect = head === undefined ? undefined : templateDialectOf(head, { envsubst: false });
  return dialect ? { rendered: lower, dialect } : undefined;
}

/** Whether a directory's name holds a template tag: a project generator's (cookiecutter, copier) directory. */
export function isGeneratorDirectoryName(name: string): boolean {
  return /\{\{.*\}\}|\{%.*%\}/.test(name);
}

/** "Jinja2 template", "Go text/template" (not "… template template"). */
function templateOf(dialect: TemplateDialect): string {
  const name = DIALECT_NAMES[dialect];
  return /template$/.test(name) ? name : `${name} template`;
}

function articled(phrase: string): string {
  return `${/^[aeiou]/i.test(phrase) ? 'an' : 'a'} ${phrase}`;
}

/**
 * Formats whose templates are read with their tags masked: nginx, uWSGI and Tomcat readers take
 * a masked value for one they cannot know. Others (compose, gunicorn's Python, systemd) would
 * judge a placeholder as a value: their templates are left alone.
 */
const TOLERANT_FORMATS = new Set<FileFormat>(['nginx', 'uwsgi', 'tomcat']);

/**
 * Extensions of files that are never nginx, whatever their folder (`nginx/README.md`): documents,
 * data, archives, keys, and source code and patches, which often quote nginx config (a Go test's
 * embedded nginx.conf, a patch to nginx's sources).
 */
// Documents too (.rst, .adoc, …): a guide quoting a server block is read by people, not by nginx.
const NOT_NGINX_EXTENSIONS =
  /\.(py|pyc|sh|js|ts|json|ya?ml|xml|ini|properties|md|markdown|mdx|rst|adoc|asciidoc|org|tex|rtf|ipynb|txt|toml|lock|service|socket|html|css|png|jpe?g|gif|svg|ico|gz|zip|jar|war|pem|crt|key|go|rb|java|kt|scala|c|h|cc|cpp|hpp|rs|php|pl|pm|lua|cs|swift|patch|diff|sql|csv)$/;

function suggestsNginx(lower: string, dir: string): boolean {
  return (
    lower.endsWith('.conf') ||
    lower.endsWith('.vhost') ||
    lower.endsWith('.nginx') ||
    lower === 'default' ||
    NGINX_DIRECTORIES.has(dir) ||
    lower.includes('nginx')
  );
}

/**
 * Whether cfglint would read a file of this name, whatever it holds: for a name whose content
 * cannot be seen (a broken symbolic link). Content-decided formats count when the name proposes them.
 */
export function readableByName(path: string): boolean {
  const lower = nodePath.basename(path).toLowerCase();
  const rendered = templateName(lower)?.rendered ?? lower;
  const renderedPath = nodePath.join(nodePath.dirname(path), rendered);
  if (classifyPlain(renderedPath, () => undefined, false) !== undefined) return true;
  return !NOT_NGINX_EXTENSIONS.test(rendered) && suggestsNginx(rendered, nodePath.basename(nodePath.dirname(path)));
}

function classifyPlain(path: string, readHead: () => string | undefined, named: boolean): FileFormat | undefined {
  return classifyPlainExplained(path, readHead, named).format;
}

type PlainAnswer = { format: FileFormat; how: string; skipped?: undefined } | { format?: undefined; skipped: string };

/** The format a plain (not template) name and head give, and how: "by name", "by content: …", or why none. */
function classifyPlainExplained(path: string, readHead: () => string | undefined, named: boolean): PlainAnswer {
  let consulted = false;
  const head = () => {
    consulted = true;
    return readHead();
  };
  const format = classifyPlainFormat(path, head, named);
  if (format === 'compose' && !named && isSampleOverrideName(nodePath.basename(path).toLowerCase()))
    return { skipped: 'skipped: a sample of a compose override file (compose loads compose.override.yaml or docker-compose.override.yml, not this one)' };
  if (format === 'named') return { format: 'nginx', how: 'named on the command line, and nothing in it says another format' };
  if (format === 'kubernetes' && KUSTOMIZATION_NAME.test(nodePath.basename(path).toLowerCase()))
    return { format, how: 'by name and content: a kustomization with a configMapGenerator' };
  // By name when the name alone gives the same answer (`nginx.conf` has its head read for a [uwsgi] section first).
  if (format)
    return {
      format,
      how:
        consulted && CONTENT_SIGNS[format] && classifyPlainFormat(path, () => undefined, named) !== format ? `by content: ${CONTENT_SIGNS[format]}` : 'by name',
    };
  const lower = nodePath.basename(path).toLowerCase();
  const dir = nodePath.basename(nodePath.dirname(path));
  if (!NOT_NGINX_EXTENSIONS.test(lower) && suggestsNginx(lower, dir) && consulted)
    return { skipped: 'skipped: named like nginx, but its content is not nginx' };
  if (consulted && /\.(ini|conf|cfg)$/.test(lower)) return { skipped: 'skipped: not a config cfglint reads (no [uwsgi] section, not nginx)' };
  return { skipped: 'skipped: not a config cfglint reads' };
}

/**
 * A compose override file named as a sample to copy (tasking-manager's
 * `docker-compose.override.sample.yml`, `compose.override.example.yaml`). Compose loads by itself
 * only `compose.yaml`, `docker-compose.yml` and the like and `compose.override.yaml`,
 * `docker-compose.override.yml` and the like beside them (compose-go cli/options.go
 * `DefaultFileNames`, `DefaultOverrideFileNames`), other files only with `-f` or `COMPOSE_FILE`;
 * a sample override says how the services run once someone copies and edits it, not how they
 * run, so it is left unread as `docker-compose.override.yml.sample` is (named on the command line,
 * it is read).
 */
function isSampleOverrideName(lower: string): boolean {
  return /(^|[.-])override[.-]/.test(lower) && /(^|[.-])(sample|example)[.-]/.test(lower);
}

/**
 * `Dockerfile.prod`, `Dockerfile.django-debian`, `Dockerfile-dev`, `Containerfile.core`; not a file of another format
 * named after one (a workflow `.github/workflows/dockerfile.yaml`, BuildKit's `Dockerfile.dockerignore`).
 */
function isDockerfileVariantName(lower: string): boolean {
  // Podman and Buildah read a Containerfile as Docker reads a Dockerfile (pulp-oci-images' Containerfile.core.base).
  return /^(docker|container)file[.-]/.test(lower) && !/\.(ya?ml|json|md|markdown|rst|txt|sh|py|toml|dockerignore|containerignore)$/.test(lower);
}

/** A file of `.github/workflows/`, the one directory GitHub Actions reads workflows from. */
function isGithubWorkflowPath(path: string): boolean {
  const dir = nodePath.dirname(path);
  return nodePath.basename(dir) === 'workflows' && nodePath.basename(nodePath.dirname(dir)) === '.github';
}

function classifyPlainFormat(path: string, readHead: () => string | undefined, named: boolean): FileFormat | 'named' | undefined {
  const base = nodePath.basename(path);
  const lower = base.toLowerCase();
  const dir = nodePath.basename(nodePath.dirname(path));

  if (lower === 'dockerfile' || isDockerfileVariantName(lower) || lower.endsWith('.dockerfile') || lower === 'containerfile') return 'dockerfile';
  // A GitHub Actions workflow named after what it runs (`.github/workflows/docker-compose-ci.yml`)
  // is no compose file: GitHub reads workflows from that directory only.
  if (/^(docker-)?compose([.-][\w.-]+)?\.ya?ml$/.test(lower) && !isGithubWorkflowPath(path)) return 'compose';
  // Spring Cloud's bootstrap.yml where a build puts it on the classpath; elsewhere the name is
  // Ansible's, a Kubernetes installer's, a theme's.
  if (/^bootstrap(-[\w.-]+)?\.(properties|ya?ml)$/.test(lower) && /(^|\/)src\/main\/resources(\/config)?$/.test(nodePath.dirname(path).replace(/\\/g, '/')))
    return 'spring-boot';
  const other = classifyBackendOrSystem(lower, dir, nodePath.basename(nodePath.dirname(nodePath.dirname(path))), readHead);
  if (other) return other;
  // A Python file named on the command line is a gunicorn config when it sets gunicorn's settings.
  if (named && lower.endsWith('.py')) return GUNICORN_ASSIGNMENT.test(readHead() ?? '') ? 'gunicorn' : undefined;
  if (NOT_NGINX_EXTENSIONS.test(lower)) return undefined;

  if (lower === 'nginx.conf' || NGINX_PACKAGE_FILES.has(lower)) return 'nginx';
  const nameSuggestsNginx = suggestsNginx(lower, dir);
  if (!nameSuggestsNginx && !named) return undefined;
  const head = readHead();
  if (head === undefined) return undefined;
  // INI-style files (supervisord, uWSGI, systemd) have section headers; nginx never does. Nor does
  // it have a Markdown code fence: notes kept without an extension (`NGINX_NOTES`) quote configs.
  if (hasIniSectionHeader(head) || MARKDOWN_FENCE.test(head)) return undefined;
  if (NGINX_BLOCK.test(head) || NGINX_DIRECTIVE_LINE.test(head)) return 'nginx';
  if (nameSuggestsNginx && startsWithNginxDirective(head)) return 'nginx';
  // `key = value` files (sysctl, PHP-FPM, uWSGI without a section) are not nginx even when named.
  if (named && !/^[ \t]*[\w.-]+[ \t]*=/m.test(head)) return 'named';
  return undefined;
}

/**
 * A Python file named like a gunicorn config that is a module of the application instead: it sets
 * no gunicorn setting and defines no server hook at the top level, and it defines a class or
 * imports relatively (jumpserver's `services/gunicorn.py`, `from ..hands import *` and a class that
 * builds a gunicorn command line). gunicorn loads a config file on its own, outside any package,
 * so a relative import cannot run there. Each of the 71 real `gunicorn*.py` configs met so far
 * (the corpus's 34 and the repositories tried) sets a setting or a hook in its first lines.
 */
function isPythonModuleNotGunicornConfig(head: string | undefined): boolean {
  if (head === undefined) return false;
  for (const match of head.matchAll(TOP_LEVEL_NAME)) if (isGunicornSetting(match[1] ?? match[2])) return false;
  return /^(?:class\s|from\s+\.)/m.test(head);
}

/** A module-level assignment (`bind = …`, `workers: int = 4`) or function definition (`def post_fork(…)`). */
const TOP_LEVEL_NAME = /^(?:([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)|def[ \t]+([A-Za-z_]\w*))/gm;

/**
 * A top-level assignment to one of gunicorn's most used settings (`bind = "…"`, `workers = 4`):
 * enough to take a Python file the user named for a gunicorn config.
 */
const GUNICORN_ASSIGNMENT =
  /^(?:bind|workers|worker_class|threads|timeout|keepalive|graceful_timeout|worker_connections|backlog|wsgi_app|max_requests|preload_app|limit_request_line)[ \t]*=/m;
