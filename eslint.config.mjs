// Lint rules whose main job is the architecture: which side may import what.
// `types: ["node"]` in a tsconfig does not stop `import 'vscode'` (TypeScript still resolves
// @types/vscode), so the boundaries are enforced here and `npm run lint` is part of `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

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
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'src/common is shared with the browser renderer: no Node built-ins.' }))] }],
    },
  },
  {
    files: ['src/kernel/**/*.ts', 'src/cli/**/*.ts', 'test/unit/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/extension/**', '**/renderers/**'], message: 'The kernel side imports only src/kernel and src/common.' }] }],
    },
  },
  {
    files: ['src/renderers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'Renderers run in the notebook webview: browser code only.' }))],
        patterns: [{ group: ['**/kernel/**', '**/extension/**'], message: 'Renderers import only src/renderers and src/common.' }],
      }],
    },
  },
  {
    // Lazy requires are deliberate here: a prelude module loads when a cell first uses it, and
    // extension-host test files load after mocha has defined its globals.
    files: ['src/kernel/prelude.ts', 'test/vscode/extensionHost/*Index.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', fetch: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
