import { uuidv7 } from 'uuidv7';
import { err, ok, type Result } from '../domain/result.ts';
import { SurveyResponseSchema, type SurveyResponse } from '../domain/survey.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta } from './meta.ts';
import { writeRecord, type WriteFailure, type WriteOptions } from './write.ts';

/** What the lobby's survey knows when the customer sends it; the store adds the rest. */
export type SurveyResponseInput = Omit<SurveyResponse, 'kind' | 'id' | 'branchId' | 'createdAt'>;

export type SurveyResponseFailure = 'invalid-record' | 'not-enrolled' | WriteFailure;

/**
 * Records a customer's answers to the survey the lobby tablet offered, when they send them:
 * the outbox row alone, in one read-write transaction with the reading of the enrollment, so
 * the answers are never saved for a tablet that is no longer the branch's opinion box.
 * Resolves only after the transaction has completed, so the thanks screen means the answers
 * are on the tablet's disk.
 *
 * Like an opinion-box entry, the outbox row is the answers' only copy on the tablet: once the
 * server has them, nothing a customer wrote stays on a kiosk in a public lobby.
 */
export function recordSurveyResponse(
  db: BranchVoiceDB,
  input: SurveyResponseInput,
  { now = Date.now, newId = uuidv7, onFatal }: WriteOptions = {},
): Promise<Result<SurveyResponse, SurveyResponseFailure>> {
  return writeRecord(db, {
    schema: SurveyResponseSchema,
    tables: [db.meta],
    draft: async () => {
      const [device, config] = await Promise.all([getMeta(db, 'device'), getMeta(db, 'config')]);
      if (!device || !config || device.mode !== 'lobby') {
        return err('not-enrolled', 'This tablet is not enrolled as a lobby opinion box.');
      }
      return ok({
        ...input,
        kind: 'survey-response',
        id: newId(),
        branchId: config.branch.id,
        createdAt: now(),
      });
    },
    onFatal,
  });
}
