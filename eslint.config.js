// ESLint with typescript-eslint's recommended rules (see docs/design.md, "Style checks").
// Formatting is Prettier's job (.prettierrc.json); no rule here is about layout.
const { defineConfig, globalIgnores } = require('eslint/config');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = defineConfig(
  globalIgnores(['dist/', 'dist-action/', 'coverage/', 'lab-results/', 'scratch/', 'examples/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The same convention as tsc's noUnusedParameters: a leading underscore marks a parameter an
      // interface requires and this implementation does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // The package compiles to CommonJS and loads readers, formatters and Ajv on first use with a
      // typed `require()` (`as typeof import(...)`): a synchronous lazy load that `import()` cannot
      // give. Top-level dependencies are `import`s by convention.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The scripts, benchmarks and Jest's config are plain CommonJS run by Node.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
