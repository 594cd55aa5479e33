import type { Attestation } from '../domain/attestation.ts';
import type { Resign } from '../store/requeue.ts';
import type { StaffSession } from './staff-session.ts';

/**
 * The keys of the staff sessions signed in on this page, by session id, while they last: a
 * record the server answers `id-taken` is sent again under a new id, and its signature, which
 * covers the id, is made again with its session's key (store/requeue.ts). Memory only, like
 * the sessions; a key leaves at sign-out, and a record renamed after that is the tablet's word.
 */
export class StaffKeyring {
  readonly #keys = new Map<string, { key: CryptoKey; expiresAt: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  add(session: StaffSession): void {
    if (session.verified) this.#keys.set(session.verified.sessionId, { key: session.verified.key, expiresAt: session.verified.expiresAt });
  }

  remove(session: StaffSession): void {
    if (session.verified) this.#keys.delete(session.verified.sessionId);
  }

  /** Signs a renamed record again with its session's key, while the session lives here; null otherwise. */
  readonly resign: Resign = async (record) => {
    const claimed = (record as { attestation?: Attestation }).attestation;
    if (claimed?.by !== 'server') return null;
    const held = this.#keys.get(claimed.sessionId);
    if (!held || held.expiresAt <= this.now()) return null;
    // Loaded here, not with the page: a key is held only once a member of staff signed in.
    const { attestRecord } = await import('../domain/attestation-sign.ts');
    return attestRecord(record, { sessionId: claimed.sessionId, key: held.key });
  };
}
