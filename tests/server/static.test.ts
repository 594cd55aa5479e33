import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, startTestServer, useTestDatabase, type TestServer } from './fixtures.ts';

const INDEX_HTML = '<!doctype html><title>BranchVoice</title>';

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

  it('given no static directory, then a page path is a JSON 404', async () => {
    const server = await startTestServer({ db: database.current.db });
    expect(await callApi(server, 'GET', '/setup')).toMatchObject({ status: 404, body: { code: 'not-found' } });
  });
});
