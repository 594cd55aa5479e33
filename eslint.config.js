// One flat config: TypeScript rules for all code, browser globals for the app, node for the rest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  // Imports flow one way (DESIGN.md): ui -> store/sync -> domain, server -> domain.
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/store/**', '**/sync/**', '**/ui/**', '**/server/**', '**/sw/**'] }],
    },
  },
  {
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/store/**', '**/sync/**', '**/ui/**', '**/sw/**'] }],
    },
  },
  {
    files: ['src/store/**', 'src/sync/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/ui/**', '**/server/**'] }],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/server/**', 'dexie'] }],
    },
  },
);
