// Type-aware lint: the rules CONVENTIONS.md names, zero warnings allowed in CI.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const DEEP_IMPORT = {
  group: ['@hookline/*/src/**', '@hookline/*/dist/**'],
  message: 'Import a hookline package through its index or a declared subpath export, never its files.',
};
const TEST_SEAMS = { group: ['@hookline/*/testing'], message: "A package's /testing export is for tests only." };
const SERVICES_AND_TOOLS = ['audit', 'cli', 'hook-executor', 'producer', 'svix-relay', 'tools'];
const LIB_TO_SERVICE = {
  group: [...SERVICES_AND_TOOLS.flatMap((name) => [`@hookline/${name}`, `@hookline/${name}/*`]), '**/services/**', '**/tools/**'],
  message: 'A lib never imports a service or a tool.',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it return promises the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Numbers and booleans print unambiguously in log lines and messages.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `(x) => void f(x)` style arrows are the idiom for callbacks; the void is the point.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Nest modules are empty classes carrying a @Module decorator.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // Nest declares its option bags (NestApplicationOptions, ...) as classes taking object literals, and specs pass structural test doubles.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // A package is entered through its declared exports (package.json "exports": the index, /constants, /embedded, ...),
      // never through its files; its test seams (/testing) only from tests.
      'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT, TEST_SEAMS] }],
    },
  },
  {
    // Libraries never depend on the services or tools built from them.
    files: ['libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/src/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT, TEST_SEAMS, LIB_TO_SERVICE] }] },
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
      'no-restricted-imports': ['error', { patterns: [DEEP_IMPORT] }],
    },
  },
);
