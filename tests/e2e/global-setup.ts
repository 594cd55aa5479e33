import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../helpers/chromium.ts';

/**
 * Builds the PWA once for the end-to-end tests, as `npm start` would serve it. In a child
 * process: Vitest sets NODE_ENV=test, and a build that inherits it is a development build
 * (no service worker).
 */
export default function setup() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (.ci/run does) or set CHROMIUM_PATH.`);
  }
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}
