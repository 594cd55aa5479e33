import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { HEAD_OFFICE, maySeeBranch, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import type { NotificationEvent } from '../../domain/alerts.ts';
import { isLanguage } from '../../domain/language.ts';
import type { EmailRecipientAdd, EmailRecipientEdit, EmailRecipientsView, EmailRecipientView } from '../../domain/manage-email.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database, EmailRecipientRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import { findRegion } from '../repositories/regions.ts';
import { recordAudit, type Actor } from './audit.ts';

/**
 * Manage › E-mail's recipients (routes/manage-email.ts): a person's address, the language
 * their messages are written in, the scope they hear about (the whole network, a region, a
 * branch) and the events they get. Head office sets any; a regional manager their region's
 * and its branches'; a branch manager their own branch's. Every change is audited in its
 * transaction, with the recipient's id and the fields changed, never the address or name.
 */

export type EmailRecipientError = 'forbidden' | 'not-found' | 'conflict';

/**
 * The most recipients one scope (the network, a region, a branch) may have: enough for a duty
 * rota, and a bound on what one event makes the mail server send, whoever adds them.
 */
export const RECIPIENTS_PER_SCOPE = 20;

/** Who acts: the viewer whose rights are checked, and the actor the audit names. */
export type RecipientActor = { viewer: Viewer; actor: Actor };

type Scope = { regionId: string | null; branchId: string | null };

const viewOf = (row: EmailRecipientRow): EmailRecipientView => ({
  id: row.id,
  name: row.name,
  address: row.address,
  language: isLanguage(row.language) ? row.language : 'en',
  regionId: row.region_id,
  branchId: row.branch_id,
  events: JSON.parse(row.events) as NotificationEvent[],
  enabled: row.enabled === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Whether the viewer may set recipients of this scope (a regional manager's branches are those of their region now). */
function mayManage(viewer: Viewer, scope: Scope): boolean {
  if (viewer.role === HEAD_OFFICE) return true;
  if (scope.branchId !== null) return maySeeBranch(viewer, scope.branchId);
  if (scope.regionId !== null) return viewer.role === REGIONAL_MANAGER && viewer.region?.id === scope.regionId;
  return false;
}

const describeScope = (scope: Scope): string => (scope.branchId !== null ? `branch ${scope.branchId}` : scope.regionId !== null ? `region ${scope.regionId}` : 'the whole network');

function refusal(viewer: Viewer, scope: Scope) {
  const own = viewer.role === REGIONAL_MANAGER ? `their region ${viewer.region?.name ?? '(none)'} or its branches` : viewer.role === 'branch-manager' ? `their branch ${viewer.branchId ?? '(none)'}` : 'no scope';
  return err('forbidden' as const, `${viewer.staffNumber} (${viewer.role}) may not set e-mail recipients for ${describeScope(scope)}; they may for ${own}.`);
}

/** The recipients the viewer may manage: head office all, a regional manager their region's and its branches', a branch manager their branch's. */
export async function listEmailRecipients(db: Kysely<Database>, viewer: Viewer): Promise<EmailRecipientsView> {
  const rows = await db.selectFrom('email_recipients').selectAll().orderBy('name').orderBy('id').execute();
  const mine = rows.filter((row) => mayManage(viewer, { regionId: row.region_id, branchId: row.branch_id }));
  return { recipients: mine.map(viewOf), mayUseNetwork: viewer.role === HEAD_OFFICE };
}

/** A scope as given: a region or branch that exists, which the viewer may manage. */
async function checkScope(db: Kysely<Database>, viewer: Viewer, scope: Scope): Promise<Result<Scope, EmailRecipientError>> {
  if (scope.branchId !== null && !(await findBranchRef(db, scope.branchId))) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `branchId: no branch has the id ${scope.branchId}.`) : refusal(viewer, scope);
  }
  if (scope.regionId !== null && !(await findRegion(db, scope.regionId))) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `regionId: no region has the id ${scope.regionId}.`) : refusal(viewer, scope);
  }
  return mayManage(viewer, scope) ? ok(scope) : refusal(viewer, scope);
}

/** A new recipient, on at once. */
export async function addEmailRecipient(db: Kysely<Database>, by: RecipientActor, input: EmailRecipientAdd, now: number): Promise<Result<EmailRecipientView, EmailRecipientError>> {
  const scope = await checkScope(db, by.viewer, { regionId: input.regionId ?? null, branchId: input.branchId ?? null });
  if (!scope.ok) return scope;
  const inScope = await db
    .selectFrom('email_recipients')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => (scope.value.regionId === null ? eb('region_id', 'is', null) : eb('region_id', '=', scope.value.regionId)))
    .where((eb) => (scope.value.branchId === null ? eb('branch_id', 'is', null) : eb('branch_id', '=', scope.value.branchId)))
    .executeTakeFirst();
  if (Number(inScope?.n ?? 0) >= RECIPIENTS_PER_SCOPE) {
    return err('conflict', `This scope has ${RECIPIENTS_PER_SCOPE} recipients already, the most it may have: turn one off and change it instead.`);
  }
  const row: EmailRecipientRow = {
    id: uuidv7(),
    address: input.address,
    name: input.name,
    language: input.language,
    region_id: scope.value.regionId,
    branch_id: scope.value.branchId,
    events: JSON.stringify(input.events),
    enabled: 1,
    created_at: now,
    created_by: by.viewer.staffNumber,
    updated_at: now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('email_recipients').values(row).execute();
    await recordAudit(trx, by.actor, { action: 'email-recipient-add', branchId: row.branch_id, subject: row.id, detail: { regionId: row.region_id, branchId: row.branch_id, events: input.events, language: input.language } }, now);
  });
  return ok(viewOf(row));
}

/** Changes a recipient the viewer may manage, into a scope they may manage. */
export async function editEmailRecipient(db: Kysely<Database>, by: RecipientActor, id: string, edit: EmailRecipientEdit, now: number): Promise<Result<EmailRecipientView, EmailRecipientError>> {
  const found = await db.selectFrom('email_recipients').selectAll().where('id', '=', id).executeTakeFirst();
  const notFound = err('not-found' as const, `No e-mail recipient has the id ${id}; GET /api/manage/email-recipients lists those you may change.`);
  if (!found) return notFound;
  // Someone else's recipient is answered as missing: its existence is not this viewer's to know.
  if (!mayManage(by.viewer, { regionId: found.region_id, branchId: found.branch_id })) return notFound;
  const scopeChanges = edit.regionId !== undefined || edit.branchId !== undefined;
  let scope: Scope = { regionId: found.region_id, branchId: found.branch_id };
  if (scopeChanges) {
    const checked = await checkScope(db, by.viewer, { regionId: edit.regionId ?? null, branchId: edit.branchId ?? null });
    if (!checked.ok) return checked;
    scope = checked.value;
  }
  const row: EmailRecipientRow = {
    ...found,
    name: edit.name ?? found.name,
    address: edit.address ?? found.address,
    language: edit.language ?? found.language,
    region_id: scope.regionId,
    branch_id: scope.branchId,
    events: edit.events ? JSON.stringify(edit.events) : found.events,
    enabled: edit.enabled === undefined ? found.enabled : edit.enabled ? 1 : 0,
    updated_at: now,
  };
  const fields = Object.entries(edit)
    .filter(([, value]) => value !== undefined)
    .map(([field]) => field);
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('email_recipients')
      .set({ name: row.name, address: row.address, language: row.language, region_id: row.region_id, branch_id: row.branch_id, events: row.events, enabled: row.enabled, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, by.actor, { action: 'email-recipient-edit', branchId: row.branch_id, subject: id, detail: { fields, regionId: row.region_id, branchId: row.branch_id, enabled: row.enabled === 1 } }, now);
  });
  return ok(viewOf(row));
}
