import { err, ok, type Ok, type Result } from '../domain/result.ts';
import { PROTOCOL_VERSION, PushResponseSchema, type DeviceHealth, type PushAnswer, type PushRequest } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from '../store/db.ts';
import type { EnrolledDevice } from '../store/device.ts';
import { keyRangeOf, OutboxTally, readOutboxBatch, settleAcknowledgedRun, settleOutbox, type KeyRange, type Settlement } from '../store/outbox.ts';
import type { Resign } from '../store/requeue.ts';
import { deviceHealth } from './health.ts';
import { requestJson, type HttpFailure, type HttpOptions } from './http.ts';

export interface PushOptions {
  db: BranchVoiceDB;
  http: HttpOptions;
  appVersion: string;
  now: () => number;
  limits: { maxRecords: number; maxBytes: number };
  /** Signs records anew when they must go again under new ids (store/requeue.ts); without it they become the tablet's word. */
  resign?: Resign | undefined;
}

/**
 * Where the last push left off: reading resumes after the last outbox key pushed (see
 * readOutboxBatch). It belongs to one device: a tablet whose database the browser deleted is
 * enrolled again into a new one, whose outbox keys start again from 1 and must not be
 * skipped. A failed push sets it back to 0, so the next run reads all that is left.
 */
export interface OutboxCursor {
  deviceId: string | null;
  seq: number;
}

export type Pushed = { pushed: number; rejected: number; clockOffsetMs: number | null; rotateToken: boolean };

/**
 * Pushes the outbox in batches and settles each answer, until it is empty. Always one push,
 * even with nothing to send: it carries the health report and brings back the configuration
 * version, pulled here when it differs. An answer out of shape settles nothing.
 *
 * Batches follow each other without a pause: while a push travels, the batch after it is
 * read, above its keys, with the health to send (leaving out the batches not settled yet),
 * and then the batch before it (if acknowledged whole) is settled; the next push goes as soon
 * as its answer is in, whether or not that settling has ended. When the answer is not an acknowledgement of every
 * record (a rejection, an id taken, a new configuration), the batch read ahead is dropped, the
 * answer settled, and the next batch read after it.
 */
export async function pushOutbox(options: PushOptions, device: EnrolledDevice, cursor: OutboxCursor): Promise<Ok<Pushed> | HttpFailure> {
  const { db, http, now, resign } = options;
  if (cursor.deviceId !== device.identity.deviceId) Object.assign(cursor, { deviceId: device.identity.deviceId, seq: 0 });
  let pushed = 0;
  let rejected = 0;
  let clockOffsetMs: number | null = null;
  let rotateToken = false;
  /** Keys of rows this run sent again under new ids: one answered id-taken once more waits for the next run. */
  const requeued = new Set<number>();
  /** The last batch, acknowledged whole and not settled yet: it is settled while the next push travels. */
  let unsettled: KeyRange | null = null;
  const tally = new OutboxTally();
  const settlings = new Settlings();
  let next = prepare(options, cursor.seq, null, tally);
  for (let first = true; ; first = false) {
    const { rows, health } = await next;
    if (rows.length === 0 && !first) break;
    // As of sending: this run's clock offset once a push of it was answered.
    const body: PushRequest = { protocol: PROTOCOL_VERSION, records: rows.map((row) => row.record), health: { ...health, clockOffsetMs: clockOffsetMs ?? health.clockOffsetMs, reportedAt: now() } };
    const sentAt = now();
    const answering = requestJson(http, '/api/sync/push', { method: 'POST', token: device.identity.token, body }, { schema: PushResponseSchema, what: 'a push answer' });
    const range = keyRangeOf(rows);
    // The read ahead starts before the settling: IndexedDB runs a deletion queued first ahead
    // of any later read of the same store, and the next push would wait for it.
    const ahead = range ? prepare(options, range.last, span(unsettled, range), tally) : null;
    // Dropped when the answer is not the one it was read for; its failure then matters to no one.
    ahead?.catch(() => undefined);
    // The settling started with the push before is awaited now, after this one is sent.
    await settlings.done();
    if (unsettled) settlings.start(settleAcknowledgedRun(db, unsettled));
    unsettled = null;
    const answer = await answering;
    if (!answer.ok) {
      cursor.seq = 0;
      await settlings.done();
      return answer;
    }
    const settled = settlement(rows, answer.value);
    if (!settled.ok) {
      cursor.seq = 0;
      await settlings.done();
      return settled;
    }
    // The server answered between sending and receiving: halfway is the best guess of when.
    clockOffsetMs = answer.value.serverTime - (sentAt + now()) / 2;
    rotateToken ||= answer.value.rotateToken === true;
    pushed += settled.value.acknowledged.length;
    rejected += settled.value.rejected.length;
    // Re-queued rows are appended with keys above the last one read, so reading on from
    // this batch's last key reaches them.
    if (range) cursor.seq = range.last;
    const configChanged = answer.value.configVersion !== device.config.version;
    if (range && ahead && !configChanged && settled.value.acknowledged.length === rows.length) {
      unsettled = range;
      next = ahead;
      continue;
    }
    await settlings.done();
    const appended = await settleOutbox(db, settled.value, { now: now(), resign });
    const takenAgain = settled.value.taken.some((seq) => requeued.has(seq));
    for (const seq of appended) requeued.add(seq);
    if (configChanged) {
      // Loaded when first needed: the configuration's schema (every roster, reason, topic and
      // survey) is not part of what a counter downloads before its first screen.
      const { pullConfig } = await import('./config-pull.ts');
      const pulled = await pullConfig(db, http, device);
      if (!pulled.ok) return pulled;
      device = { ...device, config: pulled.value };
    }
    // A server that keeps taking every new id would keep this loop going: it ends the run.
    if (rows.length === 0 || takenAgain) break;
    next = prepare(options, cursor.seq, null, tally);
  }
  await settlings.done();
  if (unsettled) await settleAcknowledgedRun(db, unsettled);
  return ok({ pushed, rejected, clockOffsetMs, rotateToken });
}

/**
 * The settling of an acknowledged batch, running while the next push travels: awaited before
 * the next one starts, before any other write of the outbox and before the run ends, so its
 * failure fails the run as an awaited one would.
 */
class Settlings {
  #pending: Promise<unknown> | null = null;

  start(settling: Promise<void>): void {
    // Held as a value until awaited: a failure meanwhile is not an unhandled rejection.
    this.#pending = settling.then(
      () => null,
      (error: unknown) => ({ error }),
    );
  }

  async done(): Promise<void> {
    const outcome = (await this.#pending) as { error: unknown } | null;
    this.#pending = null;
    if (outcome) throw outcome.error;
  }
}

/**
 * The batch after `afterSeq` and the health to send with it. `leaving`: the keys of the
 * batches in flight and settling just below it, left out of the health with the batch's own.
 */
async function prepare(options: PushOptions, afterSeq: number, leaving: KeyRange | null, tally: OutboxTally): Promise<{ rows: OutboxRow[]; health: DeviceHealth }> {
  const rows = await readOutboxBatch(options.db, afterSeq, options.limits);
  await tally.noteRead(options.db, rows);
  const health = await deviceHealth(options.db, options, null, span(leaving, keyRangeOf(rows)), tally);
  return { rows, health };
}

/** The keys from the first range's start to the second's end: a batch settling and the next one read above it. */
function span(settling: KeyRange | null, sending: KeyRange | null): KeyRange | null {
  if (!settling || !sending) return settling ?? sending;
  return { first: settling.first, last: sending.last };
}

/**
 * Pairs the server's per-record answers with the rows sent. The answers come in request
 * order; one that does not match is a protocol fault, and then nothing is settled. A
 * conflict (decision 0017) names the record's own id: `id-taken` sends the record again
 * under a new id; `changed-resend`, and any reason this app does not know, go to the
 * quarantine as a rejection does, where staff see them.
 */
export function settlement(rows: readonly OutboxRow[], response: PushAnswer): Result<Settlement, 'bad-response'> {
  // Checked again, for callers that hand in an answer the schema did not see.
  if (!Array.isArray(response?.results)) return err('bad-response', 'The server answered a push without results.');
  if (response.results.length !== rows.length) return err('bad-response', `The server answered ${response.results.length} results for ${rows.length} records.`);
  const settled: Settlement = { acknowledged: [], rejected: [], taken: [] };
  for (const [i, row] of rows.entries()) {
    const result = response.results[i];
    if (!result) return err('bad-response', `The server gave no result for record ${row.recordId}.`);
    if (result.status === 'accepted') {
      if (result.id !== row.recordId) return err('bad-response', `The server acknowledged ${result.id} in place of ${row.recordId}.`);
      settled.acknowledged.push(row.seq);
    } else if (result.status === 'conflict') {
      if (result.id !== row.recordId) return err('bad-response', `The server answered a conflict for ${result.id} in place of ${row.recordId}.`);
      if (result.reason === 'id-taken') settled.taken.push(row.seq);
      else settled.rejected.push({ seq: row.seq, reason: result.reason, message: result.message });
    } else {
      settled.rejected.push({ seq: row.seq, reason: result.reason, message: result.message });
    }
  }
  return ok(settled);
}
