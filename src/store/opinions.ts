import { uuidv7 } from 'uuidv7';
import { OpinionSchema, referenceCode, type Opinion } from '../domain/opinion.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { writeRecord, type WriteFailure, type WriteOptions } from './write.ts';

/** What the opinion box knows when the customer confirms; the store adds the rest. */
export type OpinionInput = Omit<Opinion, 'kind' | 'id' | 'branchId' | 'referenceCode' | 'createdAt'>;

export type OpinionFailure = 'invalid-record' | 'not-enrolled' | WriteFailure;

/**
 * Records an opinion-box entry when the customer confirms it: the next reference code and
 * the outbox row in one read-write transaction, so a code is never given twice nor an entry
 * saved without one. Resolves only after the transaction has completed, so the thanks screen
 * (and its code) means the entry is on the tablet's disk.
 *
 * The outbox row is the entry's only copy on the tablet: once the server has it, nothing a
 * customer wrote (their contact details least of all) stays on a kiosk in a public lobby.
 */
export function recordOpinion(
  db: BranchVoiceDB,
  input: OpinionInput,
  { now = Date.now, newId = uuidv7, onFatal }: WriteOptions = {},
): Promise<Result<Opinion, OpinionFailure>> {
  // Taken by the draft and kept by `save`, both inside the one transaction.
  let sequence = 0;
  return writeRecord(db, {
    schema: OpinionSchema,
    tables: [db.meta],
    draft: async () => {
      const [device, config, last] = await Promise.all([getMeta(db, 'device'), getMeta(db, 'config'), getMeta(db, 'opinionSequence')]);
      if (!device || !config || device.mode !== 'lobby' || device.referencePrefix === undefined) {
        return err('not-enrolled', 'This tablet is not enrolled as a lobby opinion box.');
      }
      sequence = (last ?? 0) + 1;
      return ok({
        ...input,
        kind: 'opinion',
        id: newId(),
        branchId: config.branch.id,
        referenceCode: referenceCode(device.referencePrefix, sequence),
        createdAt: now(),
      });
    },
    save: () => setMeta(db, 'opinionSequence', sequence),
    onFatal,
  });
}
