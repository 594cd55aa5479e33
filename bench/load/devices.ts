/**
 * The load's tablets, two ways. `lean`: each device's outbox is an array in memory and a
 * loop pushes it the way the sync engine does (src/sync/push.ts `pushOutbox`): batches of at
 * most 200 records or 256 KB, one at a time, each with the device's health, answered per
 * record and paired by the engine's own `settlement()`; a failure (transport, 5xx, 429) is
 * retried after the engine's `retryDelay` (the server's Retry-After when it names one), whose attempt count starts over only once the
 * whole outbox is in; a newer config version is pulled as the engine pulls it; requests go
 * through the engine's own `requestJson`. `engine`: the real SyncEngine over a Dexie database
 * per device in fake-indexeddb, started as the app starts it. Its IndexedDB work in Node costs
 * the simulator about 0.2 ms of CPU per record (100 tablets × 500: 11.3 s, against 0.5 s lean),
 * so 500,000 records would need two minutes of CPU on a machine whose two cores the servers
 * need: the big run is lean, and the smoke test (tests/faults/load.test.ts) drives both.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeviceConfigSchema } from '../../src/domain/config-schema.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS, PROTOCOL_VERSION, PushResponseSchema, type DeviceHealth, type SyncRecord } from '../../src/domain/wire.ts';
import type { OutboxRow } from '../../src/store/db.ts';
import { retryDelay } from '../../src/sync/backoff.ts';
import { requestJson, type HttpOptions } from '../../src/sync/http.ts';
import { settlement } from '../../src/sync/push.ts';
import type { LoadDevice } from './fleet.ts';

export type Driver = 'lean' | 'engine';

/** What the devices saw, filled in as they push. Times in ms. */
export type LoadMetrics = {
  /** Each push request, from sending to the whole answer read, whatever it answered. */
  pushLatencies: number[];
  /** The same, of the pushes the server took (200): a turned-away push answers at once. */
  acceptedLatencies: number[];
  /** Each batch, from its first try to acknowledged (lean only: the engine keeps no batches). */
  batchLatencies: number[];
  /** Each device, from the start to its outbox empty. */
  devicesDone: number[];
  /** Push answers by HTTP status, and transport failures by name. */
  answers: Map<string, number>;
  /** Records the server answered as rejected. */
  rejected: { id: string | null; reason: string; message: string }[];
  /** Devices that stopped before their outbox was empty, and why. */
  failed: { index: number; reason: string }[];
};

export const newMetrics = (): LoadMetrics => ({ pushLatencies: [], acceptedLatencies: [], batchLatencies: [], devicesDone: [], answers: new Map(), rejected: [], failed: [] });

/** What every device of one run shares: where it pushes, what it measures, when it must give up. */
export type RunContext = { http: HttpOptions; metrics: LoadMetrics; stop: AbortSignal; startedAt: number };

/** A device ready at the start line: `run` pushes its whole outbox, `dispose` frees its storage. */
export type PreparedDevice = { run(context: RunContext): Promise<boolean>; dispose(): Promise<void> };

const APP_VERSION = 'load';

/**
 * fetch over node:http with a keep-alive agent, timed: each push is counted by what it
 * answered and how long the whole answer took to arrive. The agent keeps a connection per
 * device (`sockets`), as a thousand tablets would each hold their own, also while a device
 * waits out a Retry-After (the agent's default keeps 256 idle and closes the rest, and each
 * device told to wait came back on a new connection); node:http costs the
 * simulator about half the CPU of Node's built-in fetch, which is CPU the servers need on a
 * small machine. `stop` aborts requests in flight when the run's time is up.
 */
export function measuredFetch(metrics: LoadMetrics, stop: AbortSignal, sockets: number): typeof fetch {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  return async (input, init) => {
    const url = new URL(String(input));
    const isPush = url.pathname === '/api/sync/push';
    const signal = init?.signal ? AbortSignal.any([init.signal, stop]) : stop;
    const started = performance.now();
    try {
      const response = await request(url, init ?? {}, agent, signal);
      if (isPush) {
        metrics.pushLatencies.push(performance.now() - started);
        if (response.status === 200) metrics.acceptedLatencies.push(performance.now() - started);
        count(metrics.answers, String(response.status));
      }
      return response;
    } catch (error) {
      if (isPush) count(metrics.answers, transportFailureName(error));
      throw error;
    }
  };
}

/** One request with the parts of fetch requestJson uses: method, headers, a string body, a signal; the answer read whole. */
function request(url: URL, init: RequestInit, agent: http.Agent, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers: Record<string, string | number> = { ...(init.headers as Record<string, string>) };
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const type = res.headers['content-type'];
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: type ? { 'content-type': type } : {} }));
      });
    });
    // As fetch does: a timed-out or stopped request fails with its signal's reason (a TimeoutError for requestJson's timeout).
    req.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    req.end(body);
  });
}

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

function transportFailureName(error: unknown): string {
  if (!(error instanceof Error)) return 'transport error';
  // A DOMException's code is a number (23 for a timeout); its name says what happened.
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return error.name;
  return (error as { code?: string }).code ?? error.name;
}

/** The outbox rows the store would have written for these records: seq from 1, the JSON length counted once. */
function outboxRows(records: readonly SyncRecord[]): OutboxRow[] {
  return records.map((record, i) => ({ seq: i + 1, recordId: record.id, kind: record.kind, record, bytes: JSON.stringify(record).length, createdAt: record.createdAt }));
}

/** The end of the batch starting at `start`, as readOutboxBatch cuts it: the first row always goes. */
function batchEnd(rows: readonly OutboxRow[], start: number): number {
  let end = start;
  let bytes = 0;
  while (end < rows.length && end - start < MAX_BATCH_RECORDS) {
    const row = rows[end]!;
    if (end > start && bytes + row.bytes > MAX_BATCH_BYTES) break;
    bytes += row.bytes;
    end++;
  }
  return end;
}

/** A lean device: its outbox in memory, pushed as the engine pushes it. */
export function prepareLeanDevice(device: LoadDevice, records: readonly SyncRecord[]): PreparedDevice {
  const rows = outboxRows(records);
  return { run: (context) => pushLikeTheEngine(device, rows, context), dispose: async () => {} };
}

async function pushLikeTheEngine(device: LoadDevice, rows: readonly OutboxRow[], { http, metrics, stop, startedAt }: RunContext): Promise<boolean> {
  let next = 0;
  let attempt = 0;
  let configVersion = device.config.version;
  let clockOffsetMs: number | null = null;
  let batchStartedAt: number | null = null;
  let quarantined = 0;
  // As the engine: the wait a busy server names (Retry-After), else the backoff.
  const retry = async (failure?: { retryAfterMs?: number }) => {
    attempt += 1;
    await sleep(retryDelay(attempt, failure?.retryAfterMs), undefined, { signal: stop }).catch(() => undefined);
  };
  // Like the engine, one push even with nothing to send: it carries the health report.
  for (let first = true; first || next < rows.length; ) {
    if (stop.aborted) return false;
    const end = batchEnd(rows, next);
    const batch = rows.slice(next, end);
    batchStartedAt ??= performance.now();
    const sentAt = Date.now();
    const health: DeviceHealth = {
      outboxDepth: rows.length - end,
      oldestUnsyncedAt: rows[end]?.createdAt ?? null,
      quarantined,
      storageUsed: null,
      storageQuota: null,
      storagePersisted: true,
      appVersion: APP_VERSION,
      clockOffsetMs,
      reportedAt: sentAt,
    };
    const answer = await requestJson(
      http,
      '/api/sync/push',
      { method: 'POST', token: device.token, body: { protocol: PROTOCOL_VERSION, records: batch.map((row) => row.record), health } },
      { schema: PushResponseSchema, what: 'a push answer' },
    );
    if (!answer.ok) {
      // The engine stops on 401 (unauthorized, revoked) and retries every other failure.
      if (answer.reason === 'unauthorized' || answer.reason === 'device-revoked') {
        metrics.failed.push({ index: device.index, reason: `${answer.reason}: ${answer.message}` });
        return false;
      }
      await retry(answer);
      continue;
    }
    const settled = settlement(batch, answer.value);
    if (!settled.ok) {
      await retry();
      continue;
    }
    quarantined += settled.value.rejected.length;
    for (const rejection of settled.value.rejected) {
      metrics.rejected.push({ id: rows[rejection.seq - 1]!.recordId, reason: rejection.reason, message: rejection.message });
    }
    // Every id here is the simulator's own, so none can be another device's: if one is, the
    // lean devices (which do not rename) count it as refused, and the run's check fails.
    quarantined += settled.value.taken.length;
    for (const seq of settled.value.taken) metrics.rejected.push({ id: rows[seq - 1]!.recordId, reason: 'id-taken', message: 'the id is held for another device' });
    metrics.batchLatencies.push(performance.now() - batchStartedAt);
    batchStartedAt = null;
    clockOffsetMs = answer.value.serverTime - (sentAt + Date.now()) / 2;
    next = end;
    first = false;
    if (answer.value.configVersion !== configVersion) {
      const pulled = await requestJson(http, '/api/sync/config', { method: 'GET', token: device.token }, { schema: DeviceConfigSchema, what: 'a configuration' });
      if (!pulled.ok) {
        await retry();
        continue;
      }
      configVersion = pulled.value.version;
    }
  }
  metrics.devicesDone.push(performance.now() - startedAt);
  return true;
}

/**
 * A device running the real SyncEngine: its Dexie database (in fake-indexeddb, which the
 * caller must have installed) holds the enrollment, the records and their outbox rows, as
 * the store functions would have left them after a day of taps.
 */
export async function prepareEngineDevice(device: LoadDevice, records: readonly SyncRecord[]): Promise<PreparedDevice> {
  const [{ createDatabase }, { saveEnrollment }, { getMeta }, { SyncEngine }] = await Promise.all([
    import('../../src/store/db.ts'),
    import('../../src/store/device.ts'),
    import('../../src/store/meta.ts'),
    import('../../src/sync/engine.ts'),
  ]);
  const db = createDatabase(`branchvoice-load-${device.deviceId}`);
  await saveEnrollment(db, {
    identity: { deviceId: device.deviceId, token: device.token, mode: 'counter', referencePrefix: device.referencePrefix, enrolledAt: Date.now() },
    config: device.config,
  });
  await db.transaction('rw', db.ratings, db.shiftEvents, db.outbox, async () => {
    await db.ratings.bulkAdd(records.flatMap((r) => (r.kind === 'rating' ? [r] : [])));
    await db.shiftEvents.bulkAdd(records.flatMap((r) => (r.kind === 'shift' ? [r] : [])));
    await db.outbox.bulkAdd(outboxRows(records).map(({ seq: _seq, ...row }) => row) as OutboxRow[]);
  });

  const run = ({ http, metrics, stop, startedAt }: RunContext) =>
    new Promise<boolean>((resolve) => {
      const engine = new SyncEngine({ db, http, appVersion: APP_VERSION, locks: null });
      let finished = false;
      const finish = (done: boolean) => {
        if (finished) return;
        finished = true;
        engine.stop();
        unsubscribe();
        stop.removeEventListener('abort', onStop);
        resolve(done);
      };
      const onStop = () => finish(false);
      stop.addEventListener('abort', onStop);
      // Done when a run has ended with the outbox empty; the engine itself schedules retries.
      const unsubscribe = engine.subscribe((status) => {
        if (status.syncing || finished) return;
        void Promise.all([db.outbox.count(), db.quarantine.toArray(), getMeta(db, 'syncState')]).then(([depth, quarantined, state]) => {
          if (finished) return;
          if (state?.stopped) {
            metrics.failed.push({ index: device.index, reason: `${state.stopped}: ${state.lastError?.message ?? ''}` });
            finish(false);
          } else if (depth === 0 && state?.lastSuccessAt) {
            for (const row of quarantined) metrics.rejected.push({ id: row.recordId, reason: row.reason, message: row.message });
            metrics.devicesDone.push(performance.now() - startedAt);
            finish(true);
          }
        });
      });
      engine.start();
    });
  return { run, dispose: () => db.delete() };
}
