import { liveQuery } from 'dexie';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { err, ok, type Result } from '../domain/result.ts';
import type { StaffWriteOptions } from './cases.ts';
import { EntryReadSchema, type EntryRead, type ReviewRole } from '../domain/review.ts';
import { describeIssues } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { getMeta } from './meta.ts';
import { withReconnect } from './reconnect.ts';
import { isQuotaExceeded, storageFull, type WriteFailure } from './write.ts';

export type EntryReadFailure = 'invalid-record' | 'not-enrolled' | 'needs-verified-session' | WriteFailure;

/**
 * Marks an opinion-box entry read in the daily review: an `entry-read` record in the outbox,
 * like every record the tablet makes, so the mark survives a dropped network or a restart and
 * reaches the server exactly once. The entries themselves are not kept on the kiosk
 * (decisions 0005 and 0007). Reading customers' contact details takes a manager the server
 * checked: a mark that `attest` cannot sign with a live staff session is refused here, as the
 * server would refuse it (decision 0014).
 */
export async function recordEntryRead(
  db: BranchVoiceDB,
  input: { opinionId: string; staffId: string; role: ReviewRole },
  { now = Date.now, newId = uuidv7, attest }: StaffWriteOptions = {},
): Promise<Result<EntryRead, EntryReadFailure>> {
  try {
    const config = await getMeta(db, 'config');
    if (!config) return err('not-enrolled', 'This tablet is not enrolled.');
    const parsed = v.safeParse(EntryReadSchema, { ...input, kind: 'entry-read', id: newId(), branchId: config.branch.id, createdAt: now() });
    if (!parsed.success) return err('invalid-record', describeIssues(parsed.issues));
    const attestation = attest ? await attest(parsed.output) : undefined;
    if (attestation?.by !== 'server') return err('needs-verified-session', 'Marking an entry read takes a manager signed in with the server reachable.');
    const read: EntryRead = { ...parsed.output, attestation };
    return await withReconnect(db, () =>
      db.transaction('rw', db.outbox, async (): Promise<Result<EntryRead, EntryReadFailure>> => {
        const row: Omit<OutboxRow, 'seq'> = { recordId: read.id, kind: 'entry-read', record: read, bytes: JSON.stringify(read).length, createdAt: read.createdAt };
        await db.outbox.add(row as OutboxRow);
        return ok(read);
      }),
    );
  } catch (error) {
    if (isQuotaExceeded(error)) return storageFull(db);
    throw error;
  }
}

/** Reads made on this tablet that the server does not have yet, and those it refused. */
export interface LocalReads {
  pending: Set<string>;
  refused: Map<string, { reason: string; message: string }>;
}

/** Emits this tablet's own marks, so the review shows an entry read at once, network or not. */
export const watchLocalReads = (db: BranchVoiceDB) =>
  liveQuery(async (): Promise<LocalReads> => {
    const [waiting, quarantined] = await Promise.all([
      db.outbox.filter((row) => row.kind === 'entry-read').toArray(),
      db.quarantine.filter((row) => row.kind === 'entry-read').toArray(),
    ]);
    const opinionOf = (record: unknown) => (record as EntryRead).opinionId;
    return {
      pending: new Set(waiting.map((row) => opinionOf(row.record))),
      refused: new Map(quarantined.map((row) => [opinionOf(row.record), { reason: row.reason, message: row.message }])),
    };
  });
