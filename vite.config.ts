import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * `npm run test:quick` (TEST_QUICK=1), the loop for day-to-day work, keeps each layer's own
 * tests (domain, store, sync, server services and repositories, every screen) on SQLite, and
 * leaves to `npm test` what takes minutes: the HTTP route suites and reports (each builds
 * a server per test), the fault drills (real server processes killed, PostgreSQL restarted,
 * loads), the tests that start the server or the admin CLI as processes, and the
 * hostile-input fuzzing.
 */
const SLOW_TESTS = ['tests/faults/**', 'tests/server/demo/seed.test.ts', 'tests/server/routes/**', 'tests/server/reports/**', 'tests/server/hostile/**', 'tests/server/main.test.ts', 'tests/server/cli/**'];
const quick = process.env.TEST_QUICK === '1';

/**
 * The first screen's reading (src/ui/first-reading.ts) as a script of its own, ahead of the
 * app's in the built page: it has no imports, so it runs while the app's modules still load.
 * Vite joins an HTML page's module scripts into one entry, hence a build input of its own and
 * its tag put in here. `npm run dev` has no such script; the app then reads through Dexie.
 */
function firstReadingScript(): Plugin {
  return {
    name: 'branchvoice-first-reading',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_, context) {
        const chunk = Object.values(context.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'first-reading');
        if (!chunk) throw new Error('the first-reading entry is missing from the build');
        return [{ tag: 'script', attrs: { type: 'module', crossorigin: true, src: `/${chunk.fileName}` }, injectTo: 'head-prepend' }];
      },
    },
  };
}

/**
 * The counter's first screen in one chunk: every module the app's entry imports statically
 * (what must run before the faces are drawn), instead of the nine small shared chunks the
 * bundler would make of them. On a tablet offline each file is one more request through the
 * service worker before the first frame, about 7 ms each with the CPU slowed 4×. Lazy screens
 * (the lobby, staff, the dashboard) import what they share with it from that chunk.
 */
function firstScreenChunk(): { plugin: Plugin; test: (id: string) => boolean } {
  const closure = new Set<string>();
  const plugin: Plugin = {
    name: 'branchvoice-first-screen-chunk',
    apply: 'build',
    buildEnd() {
      const entry = [...this.getModuleIds()].find((id) => /src[\\/]ui[\\/]main\.tsx$/.test(id));
      if (!entry) throw new Error("the app's entry, src/ui/main.tsx, is missing from the build");
      const stack = [entry];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (closure.has(id)) continue;
        closure.add(id);
        stack.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
  };
  return { plugin, test: (id) => closure.has(id) };
}
const firstScreen = firstScreenChunk();

/**
 * The service worker's own build (vite-plugin-pwa 2, injectManifest) asks for one file with
 * Rollup's `output.inlineDynamicImports: true`, which Vite 8's bundler, Rolldown, still
 * honours but warns about on every build ("inlineDynamicImports option is deprecated, please
 * use codeSplitting: false"), in the middle of `npm start`'s first-run banner. The same
 * request in the bundler's own words, before it reads the options: one file, no warning.
 */
function serviceWorkerOneFile(): Plugin {
  return {
    name: 'branchvoice-sw-one-file',
    outputOptions(options) {
      const { inlineDynamicImports, ...rest } = options as typeof options & { inlineDynamicImports?: boolean; codeSplitting?: boolean };
      return inlineDynamicImports === undefined ? null : { ...rest, ...(inlineDynamicImports ? { codeSplitting: false } : {}) };
    },
  };
}

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(version) },
  plugins: [
    preact(),
    firstReadingScript(),
    firstScreen.plugin,
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      // The manifest is the top-level manifest.webmanifest, linked from index.html; Vite
      // fingerprints it with the other assets.
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,woff2}'],
        // The dashboard is online only and opened on desktops: tablets do not precache it.
        globIgnores: ['**/start-dashboard-*', '**/uplot-*'],
        buildPlugins: { vite: [serviceWorkerOneFile()] },
      },
    }),
  ],
  // No source maps: served, they would hand anyone the app's source with its comments
  // (the server refuses any .map as well, static.ts).
  build: {
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { index: 'index.html', 'first-reading': 'src/ui/first-reading-entry.ts' },
      // Rolldown's note that plugins took long (the service worker's build, on a busy machine)
      // says nothing to whoever runs `npm start`, and lands in the middle of its banner.
      checks: { bundlerTimings: false },
      output: { codeSplitting: { groups: [{ name: 'first-screen', test: firstScreen.test }] } },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: {
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine,
    // idle while its tests wait on a database, an HTTP answer or a child process. Two keep both
    // cores busy; larger machines keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/{domain,store,sync,server}/**/*.test.ts', 'tests/faults/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...(quick ? SLOW_TESTS : [])],
          environment: 'node',
          setupFiles: ['tests/helpers/setup-unit.ts'],
          // Ceilings, not waits: a test ends when its conditions hold. A suite's database is made
          // and migrated in a hook, and on two cores shared with other work that can take a while.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          include: ['tests/ui/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['tests/helpers/setup-unit.ts', 'tests/helpers/setup-ui.ts'],
          // Each step waits for its condition (setup-ui.ts); a whole flow of them by keyboard, on
          // two cores shared with other work, takes far more than the default five seconds.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // In the same pool as unit and ui, not after them one at a time: each file starts its
          // own server on a free port with a data dir of its own, its own Chromium with a fresh
          // profile, and writes its screenshots under names no other file uses; the build is made
          // once, by the global set-up, before any file runs. A file that waits on its browser or
          // its server leaves the cores to another file, end-to-end or not. Vitest's sequencer starts
          // them first (its projects go by name), so no long browser file ends the run alone.
        },
      },
    ],
  },
});
