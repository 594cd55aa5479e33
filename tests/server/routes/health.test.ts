import { expect, it } from 'vitest';
import { createTestDatabase, describeEachDatabase } from '../../helpers/db.ts';
import { callApi, startTestServer, useTestDatabase } from '../fixtures.ts';

describeEachDatabase('GET /api/health and errors', (kind) => {
  const database = useTestDatabase(kind);

  it('given a working database, then health answers ok', async () => {
    const server = await startTestServer({ db: database.current.db });
    expect(await callApi(server, 'GET', '/api/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('given the database is gone, then health answers 503 unavailable', async () => {
    const lost = await createTestDatabase(kind);
    const server = await startTestServer({ db: lost.db });
    await lost.destroy();
    expect(await callApi(server, 'GET', '/api/health')).toMatchObject({
      status: 503,
      body: { code: 'unavailable', message: 'The database is not answering.' },
    });
  });

  it('given the database is gone, when a device pushes, then 500 hides the detail', async () => {
    const lost = await createTestDatabase(kind);
    const server = await startTestServer({ db: lost.db });
    await lost.destroy();
    const answer = await callApi(server, 'POST', '/api/sync/push', { token: 'x'.repeat(43), body: { protocol: 1, records: [] } });
    expect(answer).toEqual(expect.objectContaining({ status: 500, body: { code: 'internal', message: 'Internal error' } }));
  });

  it.each([
    ['GET', '/api/nothing-here'],
    ['POST', '/api/sync/pull'],
    ['GET', '/api'],
  ] as const)('given an unknown API route %s %s, then 404 as JSON', async (method, path) => {
    const server = await startTestServer({ db: database.current.db });
    expect(await callApi(server, method, path)).toMatchObject({
      status: 404,
      body: { code: 'not-found', message: `No route for ${method} ${path}` },
    });
  });

  it('given a body that is not JSON, then 400 as JSON', async () => {
    const server = await startTestServer({ db: database.current.db });
    const answer = await callApi(server, 'POST', '/api/enroll', { rawBody: 'code=ABCD', headers: { 'content-type': 'text/plain' } });
    expect(answer).toMatchObject({ status: 400, body: { code: 'bad-request' } });
  });
});
