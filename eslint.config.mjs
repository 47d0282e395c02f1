// Lint rules whose main job is the architecture: which side may import what.
// `types: ["node"]` in a tsconfig does not stop `import 'vscode'` (TypeScript still resolves
// @types/vscode), so the boundaries are enforced here and `npm run lint` is part of `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// The layers (ARCHITECTURE.md): each folder of src/ imports only itself and the folders listed
// for it below. The pattern forbids a relative import that climbs into any other top folder.
const TOP_FOLDERS = ['shared', 'format', 'toolkit', 'kernel', 'host', 'typeCheck', 'cli', 'extension', 'renderers', 'tsPlugin', 'cellTypes'];
function only(self, ...allowed) {
  const names = [self, ...allowed].map((p) => p.replace('src/', ''));
  const forbidden = TOP_FOLDERS.filter((f) => !names.includes(f));
  return { group: forbidden.flatMap((f) => [`../${f}/**`, `../../${f}/**`, `../../../${f}/**`, `../${f}`, `../../${f}`, `../../../${f}`]), message: `${self} may import only ${[self, ...allowed].join(', ')} (ARCHITECTURE.md).` };
}

const noVscode = {
  name: 'vscode',
  message: 'Only src/extension and test/vscode may import vscode: the kernel, CLI and common code must run without VS Code.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.test-output/**', '.cache/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Crosses process boundaries, the renderer's webview included: pure TypeScript.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared is shared with the browser renderer: no Node built-ins.' }))] }],
    },
  },
  {
    files: ['src/format/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/format', 'src/shared')] }] },
  },
  {
    files: ['src/toolkit/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/toolkit', 'src/shared')] }] },
  },
  {
    files: ['src/kernel/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/kernel', 'src/toolkit', 'src/shared')] }] },
  },
  {
    files: ['src/host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/host', 'src/format', 'src/shared')] }] },
  },
  {
    files: ['src/typeCheck/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/typeCheck', 'src/shared')] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [only('src/cli', 'src/host', 'src/format', 'src/shared')] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [only('src/extension', 'src/host', 'src/format', 'src/shared')] }] },
  },
  {
    files: ['test/unit/**/*.ts', 'bench/**/*.ts'],
    ignores: ['bench/vscode/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/extension/**', '**/renderers/**'], message: 'Plain-Node tests and benches do not import the VS Code or browser sides.' }] }] },
  },
  {
    // Extension code without `vscode`: the type-check worker's client and how long a run waits
    // for it. Plain-Node tests drive them with hung and dead workers (test/unit/typeCheck).
    files: ['src/extension/typeCheck/typeCheckWorkerClient.ts', 'src/extension/typeCheck/typeCheckRunWait.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ ...noVscode, message: 'Plain-Node unit tests import this file: no vscode here.' }], patterns: [only('src/extension', 'src/host', 'src/format', 'src/shared')] }] },
  },
  {
    files: ['test/unit/typeCheck/typeCheckWorkerClient.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode],
        patterns: [
          { regex: '/extension/(?!typeCheck/(typeCheckWorkerClient|typeCheckRunWait)$)', message: 'Plain-Node tests import only the vscode-free files of the extension side.' },
          { group: ['**/renderers/**'], message: 'Plain-Node tests and benches do not import the VS Code or browser sides.' },
        ],
      }],
    },
  },
  {
    files: ['src/renderers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'Renderers run in the notebook webview: browser code only.' }))],
        patterns: [only('src/renderers', 'src/shared')],
      }],
    },
  },
  {
    // Lazy requires are deliberate here: a prelude module loads when a cell first uses it, and
    // extension-host test files load after mocha has defined its globals.
    files: ['src/kernel/prelude.ts', 'test/vscode/extensionHost/*Index.ts', 'bench/vscode/extensionHost/*Index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'test/ui/**/*.mjs', 'bench/vscode/ui/**/*.mjs', 'bin/**/*.js', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', fetch: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
