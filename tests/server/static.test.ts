import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, startTestServer, useTestDatabase, type TestServer } from './fixtures.ts';

const INDEX_HTML = '<!doctype html><title>BranchVoice</title>';
const SOURCE_MAP = '{"version":3,"sources":["../src/ui/main.tsx"],"sourcesContent":["// the original source, comments and all"]}';

describe('the built PWA beside the API', () => {
  const database = useTestDatabase('sqlite');
  let dist = '';

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'bv-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX_HTML);
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dist, 'manifest.webmanifest'), '{}');
    writeFileSync(join(dist, 'assets', 'index-3f9a1c.js'), 'console.log(1);');
    // Source maps left in the folder by hand (the build makes none): never served.
    writeFileSync(join(dist, 'assets', 'index-3f9a1c.js.map'), SOURCE_MAP);
    writeFileSync(join(dist, 'sw.js.map'), SOURCE_MAP);
    writeFileSync(join(dist, 'Upper.JS.MAP'), SOURCE_MAP);
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  const start = (): Promise<TestServer> => startTestServer({ db: database.current.db, staticDir: dist });

  it.each([
    ['/', 'text/html', 'no-cache'],
    ['/index.html', 'text/html', 'no-cache'],
    ['/sw.js', 'javascript', 'no-cache'],
    ['/manifest.webmanifest', 'manifest+json', 'no-cache'],
    ['/assets/index-3f9a1c.js', 'javascript', 'public, max-age=31536000, immutable'],
  ])('given GET %s, then it is served as %s with Cache-Control %s', async (path, type, cacheControl) => {
    const server = await start();
    const answer = await fetch(server.baseUrl + path);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain(type);
    expect(answer.headers.get('cache-control')).toBe(cacheControl);
  });

  it.each(['/setup', '/counter/today', '/dashboard?branch=1'])(
    'given a page the app routes itself (%s), then index.html is served, not cached',
    async (path) => {
      const server = await start();
      const answer = await fetch(server.baseUrl + path);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(await answer.text()).toBe(INDEX_HTML);
    },
  );

  it.each([
    ['/api/nope', 'No route for GET /api/nope'],
    ['/assets/index-old.js', 'No route for GET /assets/index-old.js'],
  ])('given %s, which is no file, then 404 as JSON rather than index.html', async (path, message) => {
    const server = await start();
    expect(await callApi(server, 'GET', path)).toMatchObject({ status: 404, body: { code: 'not-found', message } });
  });

  it.for([
    ['GET', '/assets/index-3f9a1c.js.map'],
    ['HEAD', '/assets/index-3f9a1c.js.map'],
    ['GET', '/sw.js.map'],
    ['GET', '/Upper.JS.MAP'],
    ['GET', '/assets/index-3f9a1c.js.m%61p'],
    ['GET', '/assets/index-3f9a1c.js%2Emap'],
    ['GET', '/assets/../assets/index-3f9a1c.js.map'],
    ['GET', '/assets/index-3f9a1c.js.map?v=1'],
    ['GET', '/missing.js.map'],
  ] as const)('given a source map in the folder or not (%s %s), then 404, never the map and never index.html', async ([method, path]) => {
    const server = await start();
    const answer = await fetch(server.baseUrl + path, { method });
    expect(answer.status).toBe(404);
    const text = await answer.text();
    expect(text).not.toContain('sourcesContent');
    expect(text).not.toContain('<title>');
    if (method === 'GET') expect(JSON.parse(text)).toMatchObject({ code: 'not-found' });
  });

  it('given the script beside its map, then the script itself is still served', async () => {
    const server = await start();
    expect((await fetch(`${server.baseUrl}/assets/index-3f9a1c.js`)).status).toBe(200);
  });

  it('given no static directory, then a page path is a JSON 404', async () => {
    const server = await startTestServer({ db: database.current.db });
    expect(await callApi(server, 'GET', '/setup')).toMatchObject({ status: 404, body: { code: 'not-found' } });
  });
});
