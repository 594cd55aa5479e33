import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../db/schema.ts';

/** A dashboard session; the cookie's token is known only by its hash. */
export type Session = { tokenHash: string; staffNumber: string; createdAt: number; lastSeenAt: number; expiresAt: number };

export const sessionRowToSession = (row: SessionRow): Session => ({
  tokenHash: row.token_hash,
  staffNumber: row.staff_number,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
  expiresAt: row.expires_at,
});

export async function insertSession(db: Kysely<Database>, session: Session): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      token_hash: session.tokenHash,
      staff_number: session.staffNumber,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSession(db: Kysely<Database>, tokenHash: string): Promise<Session | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && sessionRowToSession(row);
}

export async function touchSession(db: Kysely<Database>, tokenHash: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/**
 * Ends every session of an account: after a new password or a deactivation. `except` keeps
 * one: the session its owner changed the password in.
 */
export async function deleteSessionsOf(db: Kysely<Database>, staffNumber: string, except?: { tokenHash: string }): Promise<number> {
  let query = db.deleteFrom('sessions').where('staff_number', '=', staffNumber);
  if (except) query = query.where('token_hash', '!=', except.tokenHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Drops sessions past their end or idle since `idleSince`: nobody can use them any more. */
export async function deleteExpiredSessions(db: Kysely<Database>, now: number, idleSince: number): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
    .execute();
}
