#!/usr/bin/env node
/**
 * The import-order check: the code is filed as a one-way stack (docs/design.md, "Layers"), and a
 * file may import only from its own layer or a layer above it in LAYERS. Exits 1 and names every
 * import against the order. Type-only imports count too: a type is a dependency of the reader.
 */
'use strict';
const fs = require('fs');
const path = require('path');

// Top to bottom; a path matches the first entry that is a prefix of it.
const LAYERS = [
  ['source', ['src/source/']],
  ['reference', ['src/reference/']],
  ['discovery', ['src/discovery/']],
  ['readers', ['src/readers/']],
  ['model', ['src/model/']],
  ['rule contract', ['src/rule.ts']],
  ['rules', ['checks/']],
  ['engine', ['src/engine/']],
  ['report', ['src/report/']],
  ['front doors', ['src/cli/', 'src/action/', 'src/index.ts']],
];

function layerOf(file) {
  for (let i = 0; i < LAYERS.length; i++) if (LAYERS[i][1].some((prefix) => file === prefix || file.startsWith(prefix))) return i;
  return -1;
}

function sourceFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (entry.name.endsWith('.ts')) out.push(full.split(path.sep).join('/'));
  }
  return out;
}

function resolveImport(from, specifier) {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) if (fs.existsSync(candidate)) return candidate;
  return `${base}.ts`;
}

// Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and require().
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'";]*?(?:from\s*)?['"](\.{1,2}\/[^'"]+)['"]|\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function check(root) {
  const problems = [];
  const files = [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'checks'))].map((f) =>
    path.relative(root, f).split(path.sep).join('/'),
  );
  const previous = process.cwd();
  process.chdir(root);
  try {
    for (const file of files) {
      const own = layerOf(file);
      if (own < 0) {
        problems.push(`${file}: in no layer (add its folder to LAYERS in scripts/check-layers.js and to docs/design.md)`);
        continue;
      }
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const target = resolveImport(file, match[1] ?? match[2]);
        const theirs = layerOf(target);
        if (theirs > own) {
          const line = text.slice(0, match.index + match[0].length).split('\n').length;
          problems.push(`${file}:${line}: ${LAYERS[own][0]} imports ${target} (${LAYERS[theirs][0]}), a layer below it`);
        }
      }
    }
  } finally {
    process.chdir(previous);
  }
  return problems;
}

if (require.main === module) {
  const problems = check(path.resolve(__dirname, '..'));
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`${problems.length} import(s) against the layer order (docs/design.md, "Layers")`);
    process.exit(1);
  }
  console.log('layers: every import follows the order');
}

module.exports = { check, LAYERS, layerOf };
