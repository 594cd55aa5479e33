import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import { err, ok, type Result } from '../domain/result.ts';
import { EntryReadSchema, type EntryRead, type ReviewRole } from '../domain/review.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta } from './meta.ts';
import { readBeforeWrite, writeRecord, type StaffWriteOptions, type WriteFailure } from './write.ts';

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
  { now = Date.now, newId = uuidv7, attest, onFatal }: StaffWriteOptions = {},
): Promise<Result<EntryRead, EntryReadFailure>> {
  const config = await readBeforeWrite(db, () => getMeta(db, 'config'), onFatal);
  if (!config) return err('not-enrolled', 'This tablet is not enrolled.');
  return writeRecord(db, {
    schema: EntryReadSchema,
    draft: { ...input, kind: 'entry-read', id: newId(), branchId: config.branch.id, createdAt: now() },
    // The mark lives only in the outbox: no table of its own.
    tables: [],
    sign: async (read) => {
      const attestation = attest ? await attest(read) : undefined;
      if (attestation?.by !== 'server') return err('needs-verified-session', 'Marking an entry read takes a manager signed in with the server reachable.');
      return ok({ ...read, attestation });
    },
    onFatal,
  });
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
