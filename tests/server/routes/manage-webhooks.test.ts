import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, expect, it, onTestFinished } from 'vitest';
import type { DeliveryLog, DeliveryView, WebhookList, WebhookSecretAnswer, WebhookView } from '../../../src/domain/webhooks.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { runDeliveryTick } from '../../../src/server/services/delivery.ts';
import { enqueueNotifications } from '../../../src/server/services/notify.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { webhookDeliverer } from '../../../src/server/services/webhooks.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { BRANCH_A, BRANCH_B, givenNetwork } from '../reports/given.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const SOUTH = '0190a0b0-0000-7000-8000-0000000000d2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const HOOK = { name: 'Core banking', url: 'https://hooks.bank.example/branchvoice', events: ['alert-raised', 'digest'] };

describeEachDatabase('webhooks on the dashboard', (kind) => {
  const database = useTestDatabase(kind);
  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    for (const table of ['notification_attempts', 'notifications', 'webhooks', 'email_recipients'] as const) await database.current.db.deleteFrom(table).execute();
  });

  /** Harbour Road (A) in North, Nanjing Road (B) in South; head office HQ1, North's regional manager RM1, Harbour Road's manager 1103. */
  async function given() {
    const { db } = database.current;
    const [harbour] = await givenNetwork(db);
    for (const [id, name] of [[NORTH, 'North'], [SOUTH, 'South']] as const) {
      const region = await addRegion(db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
    }
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await moveBranchToRegion(db, BRANCH_B, SOUTH);
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    await givenRosterAccount(database.current, (await findTeller(db, harbour!.staff['branch-manager']))!);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1'), bm: await signedIn(server, '1103') };
    const call = (method: 'GET' | 'POST' | 'PATCH', path: string, as: keyof typeof cookies, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const audit = async () => readAudit(db, { from: 0, to: SERVER_NOW + 1, limit: 100 });
    return { db, server, call, audit };
  }

  it('given head office, when it adds a webhook, edits it and replaces its secret, then the secret is in those two answers only, never cached, and each act is audited', async () => {
    const { db, server, call, audit } = await given();
    expect(routesOf(server.app).filter((r) => /\/api\/manage\/(webhooks|notifications)/.test(r))).toEqual([
      'GET /api/manage/webhooks',
      'GET /api/manage/webhooks/:id/deliveries',
      'PATCH /api/manage/webhooks/:id',
      'POST /api/manage/notifications/:id/replay',
      'POST /api/manage/webhooks',
      'POST /api/manage/webhooks/:id/secret',
    ]);

    const added = await call('POST', '/api/manage/webhooks', 'hq', HOOK);
    expect(added.status).toBe(200);
    expect(added.headers.get('cache-control')).toBe('no-store');
    const { webhook, secret } = added.body as WebhookSecretAnswer;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ name: 'Core banking', url: HOOK.url, scope: { kind: 'network' }, events: HOOK.events, enabled: true, createdBy: 'HQ1', counts: { pending: 0, failed: 0, deliveredLastWeek: 0 } });

    const list = await call('GET', '/api/manage/webhooks', 'hq');
    expect(list.status).toBe(200);
    expect((list.body as WebhookList).webhooks).toEqual([webhook]);
    expect((list.body as WebhookList).scopes).toEqual({
      network: true,
      regions: [{ id: NORTH, name: 'North' }, { id: SOUTH, name: 'South' }],
      branches: expect.arrayContaining([{ id: BRANCH_A, name: 'Harbour Road', regionId: NORTH }, { id: BRANCH_B, name: 'Nanjing Road', regionId: SOUTH }]),
    });
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const edited = await call('PATCH', `/api/manage/webhooks/${webhook.id}`, 'hq', { name: 'Core banking (test)', events: ['digest'], enabled: false });
    expect(edited).toMatchObject({ status: 200, body: { name: 'Core banking (test)', events: ['digest'], enabled: false } });
    expect(JSON.stringify(edited.body)).not.toContain(secret);

    const rotated = await call('POST', `/api/manage/webhooks/${webhook.id}/secret`, 'hq');
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const fresh = (rotated.body as WebhookSecretAnswer).secret;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(secret);
    expect((await db.selectFrom('webhooks').select('secret').executeTakeFirstOrThrow()).secret).toBe(fresh);
    expect(JSON.stringify((await call('GET', '/api/manage/webhooks', 'hq')).body)).not.toContain(fresh);

    const rows = await audit();
    expect(rows.map((r) => [r.action, r.actor, r.subject])).toEqual([
      ['webhook-add', 'HQ1', webhook.id],
      ['webhook-edit', 'HQ1', webhook.id],
      ['webhook-secret', 'HQ1', webhook.id],
    ]);
    // Neither the secret nor the whole address is in the audit log: its host is.
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows[0]!.detail).toMatchObject({ host: 'hooks.bank.example', events: HOOK.events });
  });

  it("given a regional manager, then they manage their region's and its branches' webhooks only; a branch manager none", async () => {
    const { call, audit } = await given();
    const network = ((await call('POST', '/api/manage/webhooks', 'hq', HOOK)).body as WebhookSecretAnswer).webhook;
    const south = ((await call('POST', '/api/manage/webhooks', 'hq', { ...HOOK, regionId: SOUTH })).body as WebhookSecretAnswer).webhook;

    const region = await call('POST', '/api/manage/webhooks', 'rm', { ...HOOK, regionId: NORTH });
    expect(region).toMatchObject({ status: 200, body: { webhook: { scope: { kind: 'region', id: NORTH, name: 'North' } } } });
    const branch = await call('POST', '/api/manage/webhooks', 'rm', { ...HOOK, branchId: BRANCH_A });
    expect(branch).toMatchObject({ status: 200, body: { webhook: { scope: { kind: 'branch', id: BRANCH_A, name: 'Harbour Road' } } } });

    const list = (await call('GET', '/api/manage/webhooks', 'rm')).body as WebhookList;
    expect(list.webhooks.map((w) => w.scope)).toEqual([
      { kind: 'region', id: NORTH, name: 'North' },
      { kind: 'branch', id: BRANCH_A, name: 'Harbour Road' },
    ]);
    expect(list.scopes).toEqual({ network: false, regions: [{ id: NORTH, name: 'North' }], branches: [{ id: BRANCH_A, name: 'Harbour Road', regionId: NORTH }] });

    const refused = [
      await call('POST', '/api/manage/webhooks', 'rm', HOOK),
      await call('POST', '/api/manage/webhooks', 'rm', { ...HOOK, regionId: SOUTH }),
      await call('POST', '/api/manage/webhooks', 'rm', { ...HOOK, branchId: BRANCH_B }),
      await call('POST', '/api/manage/webhooks', 'rm', { ...HOOK, branchId: UNKNOWN_ID }),
      await call('PATCH', `/api/manage/webhooks/${network.id}`, 'rm', { enabled: false }),
      await call('PATCH', `/api/manage/webhooks/${south.id}`, 'rm', { enabled: false }),
      await call('PATCH', `/api/manage/webhooks/${UNKNOWN_ID}`, 'rm', { enabled: false }),
      await call('POST', `/api/manage/webhooks/${network.id}/secret`, 'rm'),
      await call('GET', `/api/manage/webhooks/${south.id}/deliveries`, 'rm'),
      await call('GET', '/api/manage/webhooks', 'bm'),
      await call('POST', '/api/manage/webhooks', 'bm', { ...HOOK, branchId: BRANCH_A }),
      await call('GET', `/api/manage/webhooks/${(branch.body as WebhookSecretAnswer).webhook.id}/deliveries`, 'bm'),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(refused.map(() => [403, 'forbidden']));
    expect(JSON.stringify(refused.map((r) => r.body))).not.toContain('Nanjing');
    expect(await call('PATCH', `/api/manage/webhooks/${UNKNOWN_ID}`, 'hq', { enabled: false })).toMatchObject({ status: 404 });
    expect(await call('POST', '/api/manage/webhooks', 'hq', { ...HOOK, regionId: UNKNOWN_ID })).toMatchObject({ status: 404 });
    expect((await audit()).map((r) => [r.action, r.actor])).toEqual([
      ['webhook-add', 'HQ1'],
      ['webhook-add', 'HQ1'],
      ['webhook-add', 'RM1'],
      ['webhook-add', 'RM1'],
    ]);
  });

  it('given a bad address or body, then 400 names the field and the rule, and nothing is made', async () => {
    const { db, call } = await given();
    const bad: [string, string, unknown][] = [
      ['http:// or https://', 'url', { ...HOOK, url: 'ftp://files.bank.example/in' }],
      ['http:// or https://', 'url', { ...HOOK, url: 'javascript:alert(1)' }],
      ['user name or password', 'url', { ...HOOK, url: 'https://bv:hunter2@hooks.bank.example/' }],
      ['longer than 2000 characters', 'url', { ...HOOK, url: `https://hooks.bank.example/${'a'.repeat(2000)}` }],
      ['absolute address', 'url', { ...HOOK, url: '/hooks/branchvoice' }],
      ['link-local or cloud metadata', 'url', { ...HOOK, url: 'http://169.254.169.254/latest/meta-data/' }],
      ['link-local or cloud metadata', 'url', { ...HOOK, url: 'http://100.100.100.200/latest/meta-data/' }],
      ['link-local or cloud metadata', 'url', { ...HOOK, url: 'http://[fe80::1]/hooks' }],
      ['link-local or cloud metadata', 'url', { ...HOOK, url: 'http://metadata.google.internal/computeMetadata/v1/' }],
      ['must not be empty', 'url', { ...HOOK, url: '  ' }],
      ['at least one event', 'events', { ...HOOK, events: [] }],
      ['must each be one of', 'events', { ...HOOK, events: ['everything'] }],
      ['each event once', 'events', { ...HOOK, events: ['digest', 'digest'] }],
      ['must not be empty', 'name', { ...HOOK, name: '' }],
      ['give one of them', 'regionId and branchId', { ...HOOK, regionId: NORTH, branchId: BRANCH_A }],
      ['lower-case UUID', 'branchId', { ...HOOK, branchId: 'harbour' }],
      ['', 'secret', { ...HOOK, secret: 'mine' }],
    ];
    for (const [rule, field, body] of bad) {
      const answer = await call('POST', '/api/manage/webhooks', 'hq', body);
      expect([field, answer.status]).toEqual([field, 400]);
      expect((answer.body as { message: string }).message).toContain(field);
      expect((answer.body as { message: string }).message).toContain(rule);
    }
    const made = ((await call('POST', '/api/manage/webhooks', 'hq', HOOK)).body as WebhookSecretAnswer).webhook;
    for (const [field, body] of [['url', { url: 'gopher://x' }], ['nothing to change', {}], ['enabled', { enabled: 'yes' }]] as const) {
      const answer = await call('PATCH', `/api/manage/webhooks/${made.id}`, 'hq', body);
      expect([field, answer.status, (answer.body as { message: string }).message.includes(field)]).toEqual([field, 400, true]);
    }
    expect(await call('GET', `/api/manage/webhooks/${made.id}/deliveries?limit=0`, 'hq')).toMatchObject({ status: 400, body: { message: expect.stringContaining('limit') } });
    expect(await call('GET', `/api/manage/webhooks/${made.id}/deliveries?limit=201`, 'hq')).toMatchObject({ status: 400 });
    expect(await call('PATCH', '/api/manage/webhooks/not-an-id', 'hq', { enabled: true })).toMatchObject({ status: 400, body: { message: expect.stringContaining('id') } });
    expect(await db.selectFrom('webhooks').select('url').execute()).toEqual([{ url: HOOK.url }]);
  });

  it('given a delivery that failed, then its log shows the tries and counts, head office replays it (audited) and a regional manager may not replay the network’s', async () => {
    const { db, call, audit } = await given();
    const receiver = createServer((_req, res) => res.writeHead(500).end('receiver down'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
    const made = ((await call('POST', '/api/manage/webhooks', 'hq', { ...HOOK, url })).body as WebhookSecretAnswer).webhook;
    await db.transaction().execute((trx) => enqueueNotifications(trx, { kind: 'digest', id: 'network:2026-11-22', branchId: null, regionId: null }, { event: 'digest', digest: {} }, SERVER_NOW - 1000));
    await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, SERVER_NOW - 1000, { maxAttempts: 1 });

    const log = await call('GET', `/api/manage/webhooks/${made.id}/deliveries?limit=10`, 'hq');
    expect(log.status).toBe(200);
    const [delivery] = (log.body as DeliveryLog).deliveries;
    expect(delivery).toMatchObject({ event: 'digest', subject: { kind: 'digest', id: 'network:2026-11-22' }, status: 'failed', attempts: 1, nextAttemptAt: null, lastError: 'HTTP 500: receiver down' });
    expect(delivery!.tries).toMatchObject([{ ok: false, statusCode: 500, error: 'HTTP 500: receiver down', replayBy: null }]);
    expect(((await call('GET', '/api/manage/webhooks', 'hq')).body as WebhookList).webhooks[0]!.counts).toEqual({ pending: 0, failed: 1, deliveredLastWeek: 0 });

    expect(await call('POST', `/api/manage/notifications/${delivery!.id}/replay`, 'rm')).toMatchObject({ status: 403 });
    expect(await call('POST', `/api/manage/notifications/${delivery!.id}/replay`, 'bm')).toMatchObject({ status: 403 });
    expect(await call('POST', `/api/manage/notifications/${UNKNOWN_ID}/replay`, 'hq')).toMatchObject({ status: 404 });
    const replayed = await call('POST', `/api/manage/notifications/${delivery!.id}/replay`, 'hq');
    expect(replayed).toMatchObject({ status: 200, body: { id: delivery!.id, status: 'pending', attempts: 1, nextAttemptAt: SERVER_NOW } });
    expect((replayed.body as DeliveryView).tries).toHaveLength(1);
    expect(await call('POST', `/api/manage/notifications/${delivery!.id}/replay`, 'hq')).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(((await call('GET', '/api/manage/webhooks', 'hq')).body as { webhooks: WebhookView[] }).webhooks[0]!.counts).toEqual({ pending: 1, failed: 0, deliveredLastWeek: 0 });
    expect((await audit()).filter((r) => r.action === 'notification-replay').map((r) => [r.actor, r.subject])).toEqual([['HQ1', delivery!.id]]);
  });
});
