/**
 * A bench page: one entry under bench/ bundled by Vite into `dir` as one ES module, with an
 * index.html that loads it. Not the project's config: its PWA plugin and define are for the
 * app, not for a page of a benchmark.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

/** `entry`: a file name under bench/; `extra`: what this page needs beyond the common config. */
export async function bundleBenchPage(entry: string, dir: string, extra: Pick<InlineConfig, 'define' | 'resolve'> & { minify?: boolean } = {}): Promise<void> {
  const file = `${basename(entry, '.ts')}.js`;
  await build({
    configFile: false,
    root: dirname(dir),
    logLevel: 'warn',
    // Library mode leaves process.env alone; the page has no process.
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...extra.define },
    ...(extra.resolve ? { resolve: extra.resolve } : {}),
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'es2022',
      minify: extra.minify ?? false,
      lib: { entry: fileURLToPath(new URL(`./${entry}`, import.meta.url)), formats: ['es'], fileName: () => file },
    },
  });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>${basename(entry, '.ts')}</title><script type="module" src="/${file}"></script>\n`);
}
