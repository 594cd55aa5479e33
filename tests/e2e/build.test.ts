import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

/**
 * What a counter tablet downloads before its first screen: index.html's scripts (the first
 * screen's reading, the app's entry) and the modules it preloads. Its budget is 84 KB
 * gzipped (docs/architecture.md, "Adding a screen"); a screen that needs more loads its chunk
 * when first shown.
 */
const FIRST_JS_BUDGET_BYTES = 84_000;

function firstJavaScript(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]!);
  return [...entry, ...preloads];
}

describe('the production build', () => {
  it('given the built app, then a counter\'s first JavaScript stays within its gzipped budget', () => {
    const files = firstJavaScript();
    expect(files.length).toBeGreaterThan(1);
    const sizes = files.map((file) => ({ file, gzipped: gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length }));
    const total = sizes.reduce((sum, s) => sum + s.gzipped, 0);
    console.log(`build: the counter's first JavaScript is ${(total / 1000).toFixed(1)} KB gzipped (${files.length} files; budget ${FIRST_JS_BUDGET_BYTES / 1000} KB)`);
    expect(total, JSON.stringify(sizes)).toBeLessThanOrEqual(FIRST_JS_BUDGET_BYTES);
  });

  it('given the built app, then the first screen\'s reading is a script of its own with no imports, ahead of the app\'s', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script type="module"[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toMatch(/^assets\/first-reading-[\w-]+\.js$/);
    const source = readFileSync(join(DIST, scripts[0]!), 'utf8');
    expect(source).not.toMatch(/\bimport\b/);
    expect(source).toContain('branchvoiceFirstReading');
  });

  it('given the built app, then it holds no source map and no script or stylesheet points to one', () => {
    const files = filesUnder(DIST);
    expect(files).toContain('index.html');
    expect(files.filter((file) => file.endsWith('.js')).length).toBeGreaterThan(3);
    expect(files.filter((file) => /\.map$/i.test(file))).toEqual([]);
    const pointing = files.filter((file) => /\.(js|css)$/.test(file) && /[#@] sourceMappingURL=/.test(readFileSync(join(DIST, file), 'utf8')));
    expect(pointing).toEqual([]);
  });
});
