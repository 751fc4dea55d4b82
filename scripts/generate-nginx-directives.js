#!/usr/bin/env node
/**
 * Generates src/reference/nginx/directives.generated.ts from the @nginx/reference-lib package (the
 * nginx documentation in machine-readable form): for every directive of every official module,
 * its module, the blocks it is allowed in, whether it opens a block, the argument counts its
 * syntax lines allow and whether it is an on/off flag.
 *
 *   node scripts/generate-nginx-directives.js          write the file
 *   node scripts/generate-nginx-directives.js --check  exit 1 when the file differs from the package
 *
 * The package is ESM and 1.7 MB; loading it costs about 30 ms at every start, so cfglint ships
 * the compact table instead (docs/design.md, "nginx directive table").
 */
'use strict';
const fs = require('fs');
const path = require('path');

const OUT = path.join(__dirname, '..', 'src', 'reference', 'nginx', 'directives.generated.ts');
const MORE = 8; // "8 or more arguments", nginx's NGX_CONF_MAX_ARGS

/** Module name → family: which top-level block its `server`/`upstream` contexts belong to. */
function familyOf(module) {
  if (module.startsWith('ngx_stream_')) return 'stream';
  if (module.startsWith('ngx_mail_')) return 'mail';
  if (module.startsWith('ngx_http_')) return 'http';
  return 'core';
}

/** Documentation context names → cfglint's qualified context ids (see directives.ts). */
function qualify(context, family) {
  switch (context) {
    case '':
      return ['any'];
    case 'main':
      return ['main'];
    case 'events':
      return ['events'];
    case 'http':
      return ['http'];
    case 'stream':
      return ['stream'];
    case 'mail':
      return ['mail'];
    case 'location':
      return ['location'];
    case 'if':
      return ['sif', 'lif'];
    case 'if in location':
      return ['lif'];
    case 'limit_except':
      return ['limit_except'];
    case 'server':
      return [family === 'stream' ? 'stream_server' : family === 'mail' ? 'mail_server' : 'server'];
    case 'upstream':
      return [family === 'stream' ? 'stream_upstream' : 'upstream'];
    default:
      return [context]; // acme_issuer, oidc_provider, mgmt: blocks of their own
  }
}

// ---- syntax → argument counts -------------------------------------------------------------

/** The set of argument counts (0..MORE, MORE meaning "8 or more") one syntax line allows. */
function countsOf(syntax) {
  let text = syntax.replace(/`\{\.\.\.\}`/g, ' ');
  // Literal text between backticks may hold brackets (`gzip[=]`): each of its words becomes one
  // plain letter (`export_name from module.js` is three arguments).
  text = text
    .replace(/`([^`]*)`/g, (whole, inner) =>
      inner
        .trim()
        .split(/\s+/)
        .map(() => 'x')
        .join(' '),
    )
    .replace(/\*/g, '');
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '[' || ch === ']' || ch === '|') {
      tokens.push(ch);
      i++;
      continue;
    }
    if (text.startsWith('...', i)) {
      tokens.push('...');
      i += 3;
      continue;
    }
    // A word: brackets and bars inside it (x[:x], on|off) belong to the one argument.
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const c = text[j];
      if (c === '[') depth++;
      else if (c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (/\s/.test(c) || (c === '|' && /\s/.test(text[j + 1] ?? ' ')))) break;
      j++;
    }
    if (text.startsWith('...', j - 3) && j - 3 > i) {
      tokens.push('w', '...');
    } else tokens.push('w');
    i = j;
  }
  let pos = 0;
  const add = (a, b) => {
    const out = new Set();
    for (const x of a) for (const y of b) out.add(Math.min(MORE, x + y));
    return out;
  };
  const alternatives = () => {
    let result = sequence();
    while (tokens[pos] === '|') {
      pos++;
      result = new Set([...result, ...sequence()]);
    }
    return result;
  };
  const sequence = () => {
    let result = new Set([0]);
    while (pos < tokens.length && tokens[pos] !== '|' && tokens[pos] !== ']') {
      let item;
      if (tokens[pos] === '[') {
        pos++;
        item = new Set([0, ...alternatives()]);
        if (tokens[pos] === ']') pos++;
      } else if (tokens[pos] === 'w') {
        pos++;
        item = new Set([1]);
      } else {
        pos++;
        continue;
      }
      if (tokens[pos] === '...') {
        pos++;
        const repeated = new Set();
        for (const n of item) {
          if (n === 0) repeated.add(0);
          else for (let k = n; k <= MORE; k += n) repeated.add(k);
        }
        repeated.add(MORE);
        item = repeated;
      }
      result = add(result, item);
    }
    return result;
  };
  const counts = alternatives();
  return pos === tokens.length ? counts : undefined;
}

function argsOf(syntaxes) {
  let mask = 0;
  for (const syntax of syntaxes) {
    const counts = countsOf(syntax);
    if (!counts) throw new Error(`cannot read the syntax line "${syntax}"`);
    for (const n of counts) mask |= 1 << n;
  }
  return mask;
}

const isFlagSyntax = (syntaxes) => syntaxes.length === 1 && /^`on` ?\| ?`off`$/.test(syntaxes[0].trim());

async function build() {
  const lib = await import('@nginx/reference-lib');
  const version = require('@nginx/reference-lib/package.json').version;
  const directives = lib.getDirectives(lib.Format.Markdown);
  const rows = directives.map((d) => {
    const family = familyOf(d.module);
    const contexts = [...new Set(d.contexts.flatMap((c) => qualify(c, family)))];
    const flag = isFlagSyntax(d.syntax);
    return {
      name: d.name,
      module: d.module
        .replace(/^ngx_/, '')
        .replace(/_module$/, '')
        .replace(/^Core functionality$/, 'core'),
      contexts,
      block: d.isBlock,
      args: flag ? 1 << 1 : argsOf(d.syntax),
      flag,
      syntax: d.syntax.map((s) => s.replace(/[`*]/g, '')),
    };
  });
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.module < b.module ? -1 : 1));
  return { version, rows, modules: new Set(directives.map((d) => d.module)).size };
}

function render({ version, rows, modules }) {
  const lines = [
    '// Generated by scripts/generate-nginx-directives.js from @nginx/reference-lib ' + version + ': do not edit.',
    '// ' + rows.length + ' directives of ' + modules + ' modules. Columns: name, module, contexts (cfglint ids, see',
    '// directives.ts), 1 when it opens a block, the argument counts its syntax lines allow (bit n = n',
    '// arguments, bit 8 = 8 or more), 1 for an on/off flag, and the syntax as the documentation writes it.',
    "// The package says nothing about releases; directives.ts adds them from nginx's sources.",
    'export const REFERENCE_VERSION = ' + JSON.stringify(version) + ';',
    '',
    'export type ReferenceRow = [name: string, module: string, contexts: string, block: 0 | 1, args: number, flag: 0 | 1, syntax: string];',
    '',
    'export const REFERENCE_DIRECTIVES: ReferenceRow[] = [',
  ];
  for (const row of rows) {
    lines.push(
      '  ' + JSON.stringify([row.name, row.module, row.contexts.join(' '), row.block ? 1 : 0, row.args, row.flag ? 1 : 0, row.syntax.join(' | ')]) + ',',
    );
  }
  lines.push('];', '');
  return lines.join('\n');
}

if (require.main === module) {
  build().then(
    (data) => {
      const text = render(data);
      if (process.argv.includes('--check')) {
        const current = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
        if (current !== text) {
          process.stderr.write(
            `${path.relative(process.cwd(), OUT)} is out of date with @nginx/reference-lib ${data.version}: run node scripts/generate-nginx-directives.js\n`,
          );
          process.exit(1);
        }
        process.stdout.write(`up to date with @nginx/reference-lib ${data.version} (${data.rows.length} directives)\n`);
        return;
      }
      if (process.argv.includes('--json')) {
        process.stdout.write(JSON.stringify(data.rows));
        return;
      }
      fs.writeFileSync(OUT, text);
      process.stdout.write(`wrote ${path.relative(process.cwd(), OUT)}: ${data.rows.length} directives of ${data.modules} modules\n`);
    },
    (error) => {
      process.stderr.write(`${error.stack || error}\n`);
      process.exit(2);
    },
  );
}

module.exports = { countsOf, argsOf };
