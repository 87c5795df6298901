// Type-aware lint: the rules CONVENTIONS.md names, zero warnings allowed in CI.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Libraries are entered through their index only (novu's rule), test helpers through /testing, tools through their subpaths;
      // node-version loads without the index, on a Node too old for the rest; process-alive without it in the broker's watchdog.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@hookline/*/*', '!@hookline/*/testing', '!@hookline/tools/*', '!@hookline/*/constants', '!@hookline/hook-executor/git-url', '!@hookline/observability/node-version', '!@hookline/observability/process-alive', '!@hookline/observability/prometheus-text'], message: 'Import a hookline package through its index (@hookline/<name>) or a declared subpath export (/testing, /constants, /node-version, @hookline/tools/<tool>).' }] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
