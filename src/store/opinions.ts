import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { OpinionSchema, referenceCode, type Opinion } from '../domain/opinion.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { describeIssues } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { withReconnect } from './reconnect.ts';
import { isQuotaExceeded, storageFull, type WriteFailure } from './write.ts';

/** What the opinion box knows when the customer confirms; the store adds the rest. */
export type OpinionInput = Omit<Opinion, 'kind' | 'id' | 'branchId' | 'referenceCode' | 'createdAt'>;

export type OpinionFailure = 'invalid-record' | 'not-enrolled' | WriteFailure;

export interface OpinionOptions {
  now?: () => number;
  newId?: () => string;
  onFatal?: (error: unknown) => void;
}

/**
 * Records an opinion-box entry when the customer confirms it: the next reference code and
 * the outbox row in one read-write transaction, so a code is never given twice nor an entry
 * saved without one. Resolves only after the transaction has completed, so the thanks screen
 * (and its code) means the entry is on the tablet's disk.
 *
 * The outbox row is the entry's only copy on the tablet: once the server has it, nothing a
 * customer wrote (their contact details least of all) stays on a kiosk in a public lobby.
 */
export async function recordOpinion(
  db: BranchVoiceDB,
  input: OpinionInput,
  { now = Date.now, newId = uuidv7, onFatal }: OpinionOptions = {},
): Promise<Result<Opinion, OpinionFailure>> {
  try {
    return await withReconnect(
      db,
      () =>
        db.transaction('rw', db.meta, db.outbox, async (): Promise<Result<Opinion, OpinionFailure>> => {
          const [device, config, last] = await Promise.all([getMeta(db, 'device'), getMeta(db, 'config'), getMeta(db, 'opinionSequence')]);
          if (!device || !config || device.mode !== 'lobby' || device.referencePrefix === undefined) {
            return err('not-enrolled', 'This tablet is not enrolled as a lobby opinion box.');
          }
          const sequence = (last ?? 0) + 1;
          const parsed = v.safeParse(OpinionSchema, {
            ...input,
            kind: 'opinion',
            id: newId(),
            branchId: config.branch.id,
            referenceCode: referenceCode(device.referencePrefix, sequence),
            createdAt: now(),
          });
          if (!parsed.success) return err('invalid-record', describeIssues(parsed.issues));
          const opinion = parsed.output;
          const row: Omit<OutboxRow, 'seq'> = {
            recordId: opinion.id,
            kind: 'opinion',
            record: opinion,
            bytes: JSON.stringify(opinion).length,
            createdAt: opinion.createdAt,
          };
          await Promise.all([db.outbox.add(row as OutboxRow), setMeta(db, 'opinionSequence', sequence)]);
          return ok(opinion);
        }),
      onFatal,
    );
  } catch (error) {
    if (isQuotaExceeded(error)) return storageFull(db);
    throw error;
  }
}
