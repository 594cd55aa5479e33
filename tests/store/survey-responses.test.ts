import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { recordSurveyResponse, type SurveyResponseInput } from '../../src/store/survey-responses.ts';
import { anEnrolledDevice, anEnrolledLobby } from '../builders/device.ts';
import { BRANCH_ID } from '../builders/rating.ts';
import { aSurveyResponse } from '../builders/survey.ts';

const { surveyId, version, answers, language } = aSurveyResponse({ language: 'zh-Hant' });
const input: SurveyResponseInput = { surveyId, version, answers, language };

let db: BranchVoiceDB;
beforeEach(() => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

describe('recordSurveyResponse', () => {
  it('given a lobby tablet, then the answers are in the outbox whole, with the branch, an id and the time, and nowhere else', async () => {
    await saveEnrollment(db, anEnrolledLobby());
    const metaBefore = await db.meta.count();
    const result = await recordSurveyResponse(db, input, { now: () => 1_790_000_000_000 });
    if (!result.ok) throw new Error(result.message);
    expect(result.value).toEqual({ ...input, kind: 'survey-response', id: expect.stringMatching(/^[0-9a-f-]{36}$/), branchId: BRANCH_ID, createdAt: 1_790_000_000_000 });
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recordId: result.value.id, kind: 'survey-response', record: result.value, bytes: JSON.stringify(result.value).length });
    expect(await db.meta.count()).toBe(metaBefore);
  });

  it('given a counter tablet, then it refuses and writes nothing: only the lobby offers surveys', async () => {
    await saveEnrollment(db, anEnrolledDevice());
    const result = await recordSurveyResponse(db, input);
    expect(result.ok || result.reason).toBe('not-enrolled');
    expect(await db.outbox.count()).toBe(0);
  });

  it('given answers that fail the schema, then it refuses with the field named and writes nothing', async () => {
    await saveEnrollment(db, anEnrolledLobby());
    const result = await recordSurveyResponse(db, { ...input, answers: [] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('invalid-record');
    expect(result.message).toContain('answers');
    expect(await db.outbox.count()).toBe(0);
  });
});
