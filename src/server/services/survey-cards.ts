import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HEAD_OFFICE, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { SurveyCardsRequest, SurveyCardsResponse } from '../../domain/survey-cards.ts';
import { CARD_CODE_TTL_MS, importVisitKey, makeVisitCode, newNonce } from '../../domain/visit-code.ts';
import type { Database } from '../db/schema.ts';
import { findBranch } from '../repositories/branches.ts';
import { findCounter } from '../repositories/counters.ts';
import { recordAudit, type Actor } from './audit.ts';
import { cardKeyOf, visitCodeSecret } from './visit-keys.ts';

export type SurveyCardsError = 'forbidden' | 'not-found';

/**
 * Makes `count` printed cards for a counter: head office for any counter, a branch manager for
 * their own branch's. An unknown counter is 404 for head office and 403 like another branch's
 * for a branch manager, who cannot probe ids. Audited with how many and for which counter,
 * never the codes; `urlOf` gives the phone page's address of a code.
 */
export async function makeSurveyCards(
  db: Kysely<Database>,
  viewer: Viewer,
  input: SurveyCardsRequest & { actor: Actor; urlOf: (code: string) => string },
  now: number,
): Promise<Result<SurveyCardsResponse, SurveyCardsError>> {
  const counter = await findCounter(db, input.counterId);
  const mayMake = (branchId: string) => viewer.role === HEAD_OFFICE || (viewer.role === 'branch-manager' && viewer.branchId === branchId);
  if (!counter || !mayMake(counter.branchId)) {
    if (viewer.role === HEAD_OFFICE) return err('not-found', `No counter has the id ${input.counterId}; see the branch's counters on Manage › Setup.`);
    return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may make cards only for the counters of their own branch; head office makes them for any.`);
  }
  const branch = await findBranch(db, counter.branchId);
  if (!branch) return err('not-found', `The branch of counter ${counter.id} is gone.`);
  const key = await importVisitKey(cardKeyOf(await visitCodeSecret(db, now)));
  const random = (n: number) => new Uint8Array(randomBytes(n));
  const cards: SurveyCardsResponse['cards'] = [];
  for (let i = 0; i < input.count; i++) {
    const code = await makeVisitCode(key, { kind: 'card', counterId: counter.id, at: now, nonce: newNonce(random) });
    cards.push({ code, url: input.urlOf(code) });
  }
  await recordAudit(db, input.actor, { action: 'survey-cards', branchId: branch.id, subject: counter.id, detail: { count: input.count } }, now);
  // A code carries its time in whole seconds: it expires counted from there.
  const expiresAt = Math.floor(now / 1000) * 1000 + CARD_CODE_TTL_MS;
  return ok({ cards, counter: { id: counter.id, name: counter.name }, branch: { id: branch.id, name: branch.name }, expiresAt });
}
