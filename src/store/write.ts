import type { Table } from 'dexie';
import * as v from 'valibot';
import type { Attestation } from '../domain/attestation.ts';
import { err, ok, type Err, type Ok, type Result } from '../domain/result.ts';
import { describeIssues, type SyncRecord } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { withReconnect } from './reconnect.ts';

/**
 * The one way a record is written on the tablet: with its outbox row, in one read-write
 * transaction that holds storage only. Each record kind brings its schema and its own
 * checks; this module owns what every kind shares (docs/architecture.md, "Adding a record
 * kind").
 */

export type WriteFailure = 'storage-full';

/** What every store function that makes a record accepts: when, its id, and what to do when the database cannot be reached again. */
export interface WriteOptions {
  now?: () => number;
  newId?: () => string;
  /** Called when the database cannot be opened again after a lost connection; by default the app reloads itself. */
  onFatal?: (error: unknown) => void;
}

/** What a store function needs to make a staff-made record: a `WriteOptions` and how to sign it. */
export interface StaffWriteOptions<R = object> extends WriteOptions {
  /** Signs the record in the member of staff's session (sync/staff-session.ts attesterOf); none: the tablet's word. */
  attest?: (record: R) => Promise<Attestation>;
}

/** A record of kind `R` as its store function made it, not yet checked against the kind's schema. */
export type Draft<R extends SyncRecord> = { kind: R['kind']; [field: string]: unknown };

/** How one record kind is written. `F` names the kind's own failures. */
export interface RecordWrite<R extends SyncRecord, F extends string> {
  /** The kind's schema: the record is checked against it before it is signed or written. */
  schema: v.GenericSchema<unknown, R>;
  /**
   * The record before that check. A function makes it inside the transaction, from what it
   * reads there (an opinion's reference code, so that a code is never given twice); such a
   * record cannot be signed.
   */
  draft: Draft<R> | (() => Promise<Result<Draft<R>, F>>);
  /** The tables the transaction reads or writes besides the outbox. */
  tables: readonly Table[];
  /**
   * Signs the checked record, or refuses to. Runs before the transaction, never inside it:
   * WebCrypto's promise would let an open IndexedDB transaction commit early.
   */
  sign?: (record: R) => Promise<Result<R, F>>;
  /**
   * Reads, inside the transaction, what the record depends on (the shift open, the case's
   * state), so nothing can change between the check and the write. A failure aborts the
   * transaction: nothing is written.
   */
  check?: (record: R) => Promise<Result<void, F>>;
  /** The kind's own writes beside the outbox row (its table, a sequence); none for a record kept only in the outbox. */
  save?: (record: R) => Promise<unknown>;
  onFatal?: (error: unknown) => void;
}

/**
 * Checks a record against its kind's schema, signs it, and writes it with its outbox row in
 * one read-write transaction, with no network inside it: either every row exists afterwards
 * or none does. Resolves only after the transaction has completed, so a screen may say
 * "saved". A lost connection is opened afresh and tried once more (reconnect.ts); a full
 * storage answers 'storage-full' and tells the status corner; any other error is thrown.
 */
export async function writeRecord<R extends SyncRecord, F extends string>(
  db: BranchVoiceDB,
  write: RecordWrite<R, F>,
): Promise<Result<R, F | 'invalid-record' | WriteFailure>> {
  const { schema, draft, tables, sign, check, save, onFatal } = write;
  let source: R | (() => Promise<R>);
  if (typeof draft === 'function') source = () => madeInside(schema, draft);
  else {
    const parsed = parseRecord(schema, draft);
    if (!parsed.ok) return parsed;
    const signed = sign ? await sign(parsed.value) : parsed;
    if (!signed.ok) return signed;
    source = signed.value;
  }
  try {
    const written = await withReconnect(
      db,
      () =>
        db.transaction('rw', [db.outbox, ...tables], async () => {
          const made = typeof source === 'function' ? await source() : source;
          const row: Omit<OutboxRow, 'seq'> = { recordId: made.id, kind: made.kind, record: made, bytes: JSON.stringify(made).length, createdAt: made.createdAt };
          // The check and the writes issued together: one round of IndexedDB requests instead
          // of two or three (bench/tap.ts). The check's read is queued first, so it sees the
          // state before the writes; if it fails, throwing aborts the transaction and every
          // write rolls back.
          const [holds] = await Promise.all([check ? check(made) : ok(undefined), db.outbox.add(row), save?.(made)]);
          if (!holds.ok) throw new Refused(holds);
          return made;
        }),
      onFatal,
    );
    db.storagePressure.relieved();
    return ok(written);
  } catch (error) {
    if (error instanceof Refused) return error.failure;
    if (isQuotaExceeded(error)) return storageFull(db);
    throw error;
  }
}

/**
 * Reads what a record is made from, before its write (the enrollment, the shift): through the
 * reconnect too, since after the tablet slept this is the first request on a dead connection.
 */
export function readBeforeWrite<T>(db: BranchVoiceDB, read: () => Promise<T>, onFatal?: (error: unknown) => void): Promise<T> {
  return withReconnect(db, read, onFatal);
}

/** The `sign` of a staff-made record: its maker's attestation added; without `attest`, the record as it is, the tablet's word. */
export function attestedWith<R extends SyncRecord>(attest: ((record: R) => Promise<Attestation>) | undefined): (record: R) => Promise<Ok<R>> {
  return async (record) => ok(attest ? { ...record, attestation: await attest(record) } : record);
}

/** Checks a record against its kind's schema; the message names each field that is wrong. */
function parseRecord<R>(schema: v.GenericSchema<unknown, R>, draft: unknown): Result<R, 'invalid-record'> {
  const parsed = v.safeParse(schema, draft);
  return parsed.success ? ok(parsed.output) : err('invalid-record', describeIssues(parsed.issues));
}

/** Makes and checks a record inside the transaction; a failure aborts it before anything is written. */
async function madeInside<R extends SyncRecord, F extends string>(schema: v.GenericSchema<unknown, R>, make: () => Promise<Result<Draft<R>, F>>): Promise<R> {
  const made = await make();
  const parsed = made.ok ? parseRecord(schema, made.value) : made;
  if (!parsed.ok) throw new Refused<F | 'invalid-record'>(parsed);
  return parsed.value;
}

/** True when IndexedDB refused a write because the origin's storage is full. */
export function isQuotaExceeded(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const inner = (error as { inner?: unknown }).inner;
  return error.name === 'QuotaExceededError' || (inner instanceof Error && inner.name === 'QuotaExceededError');
}

/**
 * The answer to a write refused for lack of space: the screen says so, nothing is half-saved,
 * and the database remembers it so that the status corner tells staff too.
 */
export function storageFull(db: BranchVoiceDB) {
  db.storagePressure.refused();
  return err('storage-full', 'The tablet is out of storage: this record was not saved. Ask staff to free space or sync now.');
}

/** About the size of a record and its outbox row: a probe this big that fits means a tap would. */
const PROBE_BYTES = 2048;

/**
 * Learns whether a record would fit now, after a full storage was reported: writes a row of a
 * record's size and deletes it in the same transaction, so it leaves nothing behind. Clears
 * or keeps the storage warning accordingly; any other failure leaves it as it is.
 */
export async function probeStorage(db: BranchVoiceDB): Promise<boolean> {
  try {
    await db.transaction('rw', db.meta, async () => {
      await db.meta.put({ key: 'storageProbe', value: 'x'.repeat(PROBE_BYTES) });
      await db.meta.delete('storageProbe');
    });
    db.storagePressure.relieved();
    return true;
  } catch (error) {
    if (isQuotaExceeded(error)) db.storagePressure.refused();
    return false;
  }
}

/** Thrown inside the transaction to abort it with the kind's own failure: nothing is written. */
class Refused<F extends string> extends Error {
  constructor(readonly failure: Err<F>) {
    super(failure.message);
  }
}
