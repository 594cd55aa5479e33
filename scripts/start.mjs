// `npm start`: builds the PWA when the build is missing or older than its sources, then
// runs the server (API + app on one port) in this same process, so signals reach it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { register } from 'tsx/esm/api';

// A production build whatever the caller's NODE_ENV (a test runner sets 'test').
process.env.NODE_ENV = 'production';

const CLIENT_SOURCES = ['index.html', 'vite.config.ts', 'manifest.webmanifest', 'package.json', 'public', 'src/ui', 'src/sw', 'src/store', 'src/sync', 'src/domain', 'src/locales'];
const staticDir = process.env.STATIC_DIR || 'dist';

/** The newest modification time under a path, in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = existsSync(join(staticDir, 'index.html')) ? statSync(join(staticDir, 'index.html')).mtimeMs : 0;
if (!process.env.STATIC_DIR && builtAt < Math.max(...CLIENT_SOURCES.map(newest))) {
  console.log(builtAt ? 'The app changed since the last build: building…' : 'Building the app (first start)…');
  await build({ logLevel: 'warn', mode: 'production' });
}

register();
await import('../src/server/main.ts');
