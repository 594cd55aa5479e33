import { hostname, userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import type { Viewer } from '../../domain/access.ts';
import type { AuditAction, AuditRecord, Verified } from '../../domain/privacy.ts';
import type { Database } from '../db/schema.ts';

export type { AuditAction, AuditRecord, Verified };

/**
 * The audit log of acts on customers' personal data (docs/privacy.md, "Audit"): who, as the
 * server verified them, did what, when, from which device or address. Append-only: this
 * module only adds rows and reads them; retention (services/privacy.ts) is the one deletion.
 */
export interface Actor {
  /** A staff id, a dashboard staff number, an OS account `user@host`, or 'server'. */
  actor: string;
  role: string;
  verified: Verified;
  deviceId?: string | null;
  address?: string | null;
}

export interface AuditEntry {
  action: AuditAction;
  branchId?: string | null;
  /** What it was about: a record id, a request's kind, a report. */
  subject: string;
  /** Counts and record ids: never names, phones, e-mails or words. */
  detail: Record<string, unknown>;
}

/** Adds one row; inside the caller's transaction when given one, so the act and its record stand or fall together. */
export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry, at: number): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at,
      action: entry.action,
      actor: actor.actor,
      actor_role: actor.role,
      verified: actor.verified,
      device_id: actor.deviceId ?? null,
      address: actor.address ?? null,
      branch_id: entry.branchId ?? null,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail),
    })
    .execute();
}

/** The CLI's actor: the operating-system account that ran it, on this host. */
export function shellActor(): Actor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // A container without a passwd entry for the uid: the uid itself says who.
    user = `uid ${process.getuid?.() ?? '?'}`;
  }
  return { actor: `${user}@${hostname()}`, role: 'operator', verified: 'server-shell' };
}

/** A dashboard account signed in with its password, from the request's address. */
export const dashboardActor = (viewer: Pick<Viewer, 'staffNumber' | 'role'>, address: string): Actor => ({
  actor: viewer.staffNumber,
  role: viewer.role,
  verified: 'dashboard-session',
  address,
});

export const SERVER_ACTOR: Actor = { actor: 'server', role: 'scheduler', verified: 'server' };

/** The log between two instants (inclusive `from`, exclusive `to`), oldest first, at most `limit` rows after `afterSeq`. */
export async function readAudit(
  db: Kysely<Database>,
  range: { from: number; to: number; afterSeq?: number; limit: number },
): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .where('seq', '>', range.afterSeq ?? 0)
    .orderBy('seq')
    .limit(range.limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: Number(r.at),
    action: r.action as AuditAction,
    actor: r.actor,
    role: r.actor_role,
    verified: r.verified as Verified,
    deviceId: r.device_id,
    address: r.address,
    branchId: r.branch_id,
    subject: r.subject,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
