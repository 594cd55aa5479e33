import type { PushResult, RecordKind } from '../../domain/wire.ts';
import type { HeldRecord } from '../repositories/pushed-records.ts';

/**
 * What a push answers for a record whose id the server already holds (decision 0017). A
 * device removes a record from its outbox when it is answered `accepted`, so that answer is
 * given only when the server holds that very record from that device: the same content under
 * the same id, sent again because an answer was lost. An id held for another device is
 * `id-taken` (the device sends the record again under a new id); other content under an id
 * this device used before is `changed-resend` (the first is what the server keeps).
 *
 * Pure: the caller reads what is held and stores what is fresh.
 */

/** A record as a push asks to store it: the device that sent it and the hash of what it says. */
export type SentRecord = { id: string; deviceId: string; contentHash: string | null };

/**
 * `fresh`: the id is neither held nor met earlier in the push, so this record is the one to
 * store; the others say what to answer.
 */
export type Claim = { status: 'fresh' } | { status: 'accepted' } | Extract<PushResult, { status: 'conflict' }>;

const FRESH: Claim = { status: 'fresh' };
const ACCEPTED: Claim = { status: 'accepted' };

/**
 * Judges each record of a push, in the order sent, against what the server held before the
 * push (`held`, by id) and against the records before it in the same push: of two records
 * with one id in one push, the first is stored and the second is a re-send of it, or not.
 * A row stored before content hashes were kept counts as the same content when its device
 * matches: nothing else is known of it, and that is how it was answered before.
 */
export function judgeIds(noun: string, sent: readonly SentRecord[], held: ReadonlyMap<string, HeldRecord>): Claim[] {
  const earlier = new Map<string, HeldRecord>();
  return sent.map((record) => {
    const before = held.get(record.id);
    const inPush = earlier.get(record.id);
    if (!before && !inPush) {
      earlier.set(record.id, record);
      return FRESH;
    }
    const holder = (before ?? inPush)!;
    if (holder.deviceId !== record.deviceId) return idTaken(record.id, noun);
    if (holder.contentHash === null || holder.contentHash === record.contentHash) return ACCEPTED;
    return before ? changedResend(record.id, noun) : changedInPush(record.id, noun);
  });
}

/** The id is the server's for another device's record. */
export const idTaken = (id: string, noun: string): Claim => ({
  id,
  status: 'conflict',
  reason: 'id-taken',
  message: `id: ${id} is held by the server for another device's ${noun}; send this ${noun} again under a new id`,
});

const changedResend = (id: string, noun: string): Claim => ({
  id,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this device sent another ${noun} under ${id} before, and the server keeps that one; this one differs and was not stored`,
});

const changedInPush = (id: string, noun: string): Claim => ({
  id,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this push carries two different ${noun}s under ${id}; the server keeps the first, and this one was not stored`,
});

/**
 * The claims of records an insert has already been tried with: `storedIds` are those the
 * insert stored (`on conflict (id) do nothing … returning id`), `held` what the server held
 * under the others. A record judged fresh must be one the insert stored; if it is not, the
 * id was neither stored nor found, and answering would claim what the server does not hold.
 */
export function judgeInserted(noun: string, sent: readonly SentRecord[], storedIds: ReadonlySet<string>, held: ReadonlyMap<string, HeldRecord>): Claim[] {
  return judgeIds(noun, sent, held).map((claim, i) => {
    if (claim.status !== 'fresh') return claim;
    const { id } = sent[i]!;
    if (!storedIds.has(id)) throw new Error(`ingest: the ${noun} ${id} was neither stored nor found held`);
    return ACCEPTED;
  });
}

/** The claims of a push by kind of record, each list in the order the push carried that kind. */
export type ClaimsByKind = Partial<Record<RecordKind, readonly Claim[]>>;

/**
 * The push's answer: each record triage accepted gets the claim judged for it, in order
 * within its kind (triage keeps the order of the push, and so do the claims). A claim
 * still `fresh` here, or one missing, is a bug, never an answer.
 */
export function answerClaims(results: readonly PushResult[], kinds: readonly (RecordKind | null)[], claims: ClaimsByKind): PushResult[] {
  const next: Partial<Record<RecordKind, number>> = {};
  return results.map((result, i) => {
    if (result.status !== 'accepted') return result;
    const kind = kinds[i];
    const index = kind ? (next[kind] ?? 0) : 0;
    const claim = kind ? claims[kind]?.[index] : undefined;
    if (!kind || !claim || claim.status === 'fresh') throw new Error(`ingest: no claim judged for record ${i} (${kind ?? 'no kind'})`);
    next[kind] = index + 1;
    return claim.status === 'accepted' ? result : claim;
  });
}
