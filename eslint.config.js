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
  // Imports flow one way: ui -> store/sync -> domain, server -> domain (docs/architecture.md, "The parts").
  // In a flat config the last object that sets a rule for a file wins, so each folder's list is whole.
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // An allow-list: valibot and the domain's own modules. The domain runs in the
              // browser, the service worker and the server alike, and does no I/O.
              regex: '^(?!valibot$|\\./)',
              message: 'src/domain imports only valibot and other domain modules (./x.ts): no node:*, storage, server or UI libraries, nor ../store, ../sync, ../ui, ../server.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/store/**', '**/sync/**', '**/ui/**', '**/sw/**'], message: 'The server imports the domain, never the tablet\'s store, sync engine, UI or service worker.' },
            {
              group: ['preact', 'preact/*', '@preact/*', 'dexie', 'dexie/*', 'idb', 'idb/*', 'workbox-*', 'uplot', 'uplot/*', 'i18next-browser-*', 'i18next-http-backend'],
              message: 'The server never imports browser libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**', 'src/sync/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/ui/**'], message: 'The store and the sync engine never import the UI: the UI imports them.' },
            { group: ['**/server/**', 'node:*'], message: 'Tablet code never imports the server or node:* modules: it runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['dexie'], message: 'Components read and write through the store, never Dexie itself.' },
            { group: ['**/server/**', 'node:*'], message: 'Tablet code never imports the server or node:* modules: it runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/sw/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', 'node:*'], message: 'Tablet code never imports the server or node:* modules: it runs in the browser.' }] }],
    },
  },
);
