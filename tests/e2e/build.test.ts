import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The production build as global-setup.ts made it, the one `npm start` serves: no source maps
// (the server refuses any .map too, tests/server/static.test.ts).
const DIST = new URL('../../dist/', import.meta.url).pathname;

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

describe('the production build', () => {
  it('given the built app, then it holds no source map and no script or stylesheet points to one', () => {
    const files = filesUnder(DIST);
    expect(files).toContain('index.html');
    expect(files.filter((file) => file.endsWith('.js')).length).toBeGreaterThan(3);
    expect(files.filter((file) => /\.map$/i.test(file))).toEqual([]);
    const pointing = files.filter((file) => /\.(js|css)$/.test(file) && /[#@] sourceMappingURL=/.test(readFileSync(join(DIST, file), 'utf8')));
    expect(pointing).toEqual([]);
  });
});
