// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'bin/**',
      'node_modules/**',
      'lib/**',
      'dist/**',
      '.onramp/**',
      'bench/results/**',
      'eslint.config.mjs',
      '.dependency-cruiser.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-deprecated': 'warn',
      // Fastify handlers and activity factories are async by contract even when they do not await.
      '@typescript-eslint/require-await': 'off',
      // Activity factories return plain objects of functions that never use `this`; the SDK calls them unbound.
      '@typescript-eslint/unbound-method': 'off',
      // Workflow status fields are read by query handlers before their single assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always'],
      'object-shorthand': 'error',
    },
  },
  {
    // Workflow code is replayed deterministically inside a V8 sandbox: no I/O, no Node built-ins,
    // and activities are reached only through proxyActivities with their *types*.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must be deterministic: no Node built-ins.' })),
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activity *types* only (import type); call them through proxyActivities.',
            },
            {
              group: ['undici', 'googleapis', 'google-auth-library', 'gaxios', 'pino', 'fastify', '**/simulators/**'],
              message: 'Workflows must not do I/O; put it in an activity.',
            },
          ],
        },
      ],
    },
  },
  {
    // A workflow reads like its guide: numbered steps as calls to named step functions (docs/architecture.md).
    files: ['src/workflows/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    // Simulators are split by vendor resource: one route module per resource, no catch-all function.
    files: ['src/simulators/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150 }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  }
);
