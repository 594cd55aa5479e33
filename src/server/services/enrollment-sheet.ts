import type { Kysely } from 'kysely';
import { maySeeBranch, type Viewer } from '../../domain/access.ts';
import { enrollmentLinkOf } from '../../domain/enrollment-link.ts';
import type { EnrollmentSheet, EnrollmentSheetCode } from '../../domain/manage.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { enrollmentQrSvg } from '../enrollment-qr.ts';
import { findBranch } from '../repositories/branches.ts';
import { listCounters } from '../repositories/counters.ts';
import { recordAudit, type Actor } from './audit.ts';
import { issueEnrollmentCode, type IssuedCode } from './enrollment.ts';

export type EnrollmentSheetError = 'forbidden' | 'not-found';

/**
 * A fresh code (24 hours, once) for every counter of a branch and one for its lobby opinion box,
 * each with its link at `appUrl` and that link's QR code: the dashboard's printable sheet
 * (decision 0020). Head office for any branch, a branch manager for their own. The codes and
 * the audit row stand or fall together; the row says who and how many, never the codes.
 */
export async function issueEnrollmentSheet(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { branchId: string; appUrl: string; actor: Actor },
  now: number,
): Promise<Result<EnrollmentSheet, EnrollmentSheetError>> {
  const { branchId, appUrl, actor } = input;
  if (!maySeeBranch(viewer, branchId)) {
    return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may make enrollment codes for their own branch only, not for ${branchId}.`);
  }
  const branch = await findBranch(db, branchId);
  if (!branch) return err('not-found', `No branch has the id ${branchId}.`);
  const counters = await listCounters(db, branchId);
  const issued = await db.transaction().execute(async (trx) => {
    const codes: { issued: IssuedCode; place: string | null }[] = [];
    for (const counter of counters) codes.push({ issued: unwrap(await issueEnrollmentCode(trx, { counterId: counter.id }, now)), place: counter.name });
    codes.push({ issued: unwrap(await issueEnrollmentCode(trx, { mode: 'lobby', branchId }, now)), place: null });
    await recordAudit(
      trx,
      actor,
      { action: 'enrollment-codes', branchId, subject: 'dashboard', detail: { counters: counters.length, lobby: 1, codes: codes.length } },
      now,
    );
    return codes;
  });
  const codes = issued.map(({ issued: code, place }): EnrollmentSheetCode => {
    const link = enrollmentLinkOf(appUrl, code.formatted);
    return {
      mode: code.mode,
      counterId: code.counterId,
      place,
      code: code.formatted,
      link,
      qrSvg: enrollmentQrSvg(link, `${place ?? branch.name} · ${code.formatted}`),
    };
  });
  return ok({ branch: { id: branch.id, name: branch.name }, expiresAt: issued[0]!.issued.expiresAt, codes });
}

/** The branch and its counters were just read: a code that cannot be made is the server's fault. */
function unwrap(result: Result<IssuedCode, string>): IssuedCode {
  if (!result.ok) throw new Error(`an enrollment code could not be made: ${result.message}`);
  return result.value;
}
