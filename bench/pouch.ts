/**
 * The PouchDB baseline of bench/drain.ts: a PouchDB server (express-pouchdb over LevelDB on
 * disk, the server PouchDB ships) and a page that replicates a local PouchDB to it, served
 * from one origin, as a team would set it up had they picked PouchDB for the outbox.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import type { Page } from 'playwright-core';
import { bundleBenchPage } from './page-bundle.ts';

export interface PouchServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts the PouchDB server under /db and the page at /, on a free loopback port; data in `work`. */
export async function startPouch(work: string): Promise<PouchServer> {
  const pageDir = join(work, 'pouch-page');
  const dataDir = join(work, 'pouch-data');
  mkdirSync(pageDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  await bundleBenchPage('pouch-page.ts', pageDir, {
    minify: true,
    define: { global: 'globalThis' },
    // PouchDB imports Node's `events`; in the browser, the npm package of the same API.
    resolve: { alias: { events: fileURLToPath(new URL('../node_modules/events/events.js', import.meta.url)) } },
  });
  const couch = expressPouchDB(PouchDB.defaults({ prefix: `${dataDir}/` }), { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const server: HttpServer = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/db/')) {
      request.url = url.slice('/db'.length);
      return couch(request, response);
    }
    const file = url === '/' ? 'index.html' : url === '/pouch-page.js' ? 'pouch-page.js' : null;
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' }).end(readFileSync(join(pageDir, file)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens the page in `page` and waits for it. */
export async function openPouchPage(page: Page, pouch: PouchServer): Promise<void> {
  await page.goto(`${pouch.origin}/`);
  await page.waitForFunction(() => typeof window.pouchBench?.replicate === 'function');
}

/** Puts `docs` into a fresh local PouchDB `name`, then replicates it to the server; answers the replication's ms. */
export async function drainPouch(page: Page, pouch: PouchServer, name: string, docs: object[], batch: number): Promise<number> {
  await page.evaluate(({ name, docs }) => window.pouchBench.fill(name, docs), { name, docs });
  const { ms, written } = await page.evaluate(({ name, remote, batch }) => window.pouchBench.replicate(name, remote, batch), { name, remote: `${pouch.origin}/db/${name}`, batch });
  if (written !== docs.length) throw new Error(`PouchDB wrote ${written} of ${docs.length}`);
  return ms;
}
