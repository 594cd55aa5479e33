/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// Whose word a record carries: staff sessions verified by the server, how each staff-made
// record was attested, content hashes for honest answers to a re-sent id, device tokens that
// rotate and expire, attempt counts shared by every server process, and forced password
// changes. Frozen in time like 0001–0006: Kysely<any>, nothing from src/.

/** The tables a device pushes records into. */
const PUSHED = ['ratings', 'shift_events', 'opinions', 'case_events', 'opinion_reads'] as const;
/** Those whose records a member of staff makes (a rating is the customer's). */
const STAFF_MADE = ['shift_events', 'case_events', 'opinion_reads'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // A member of staff signed in on a tablet with their PIN checked here. The key is the
  // secret the tablet signs records with (HMAC): it is kept whole because the server must
  // verify those signatures, and it is never sent again after the sign-in's answer. A
  // session is bound to one device and one staff member in one role; `ended_at` is set by
  // sign-out. `clock_offset_ms` is the server's clock minus the tablet's at sign-in: it
  // places the records signed in the session on the server's time line.
  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('clock_offset_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('staff_sessions_device').on('staff_sessions').columns(['device_id', 'created_at']).execute();
  await db.schema.createIndex('staff_sessions_expires').on('staff_sessions').column('expires_at').execute();

  // Refused attempts (enrollment codes, dashboard passwords, staff PINs) by key, in fixed
  // windows: one row per key, so several server processes on one database share the count.
  await db.schema
    .createTable('attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attempts_window_ends_at').on('attempts').column('window_ends_at').execute();

  // The content of every pushed record, as sha256 of its canonical JSON: a record sent again
  // under a known id is told apart from another record under that id. Null for rows stored
  // before: a re-send from the same device is then taken as the same record.
  for (const table of PUSHED) await db.schema.alterTable(table).addColumn('content_hash', 'text').execute();

  // How each staff-made record was attested: 'server' (a staff session whose signature the
  // server checked) or 'tablet' (the tablet's own PIN check: its word only). Rows so far
  // were all checked on the tablet.
  for (const table of STAFF_MADE) {
    await db.schema.alterTable(table).addColumn('attestation', 'text', (c) => c.notNull().defaultTo('tablet')).execute();
    await db.schema.alterTable(table).addColumn('staff_session_id', 'text').execute();
  }
  await db.schema.alterTable('day_closes').addColumn('started_attestation', 'text').execute();
  await db.schema.alterTable('day_closes').addColumn('started_session_id', 'text').execute();
  await db.updateTable('day_closes').set({ started_attestation: 'tablet' }).where('started_at', 'is not', null).execute();

  // Device tokens rotate: the current one is `token_hash`; the one it replaced stays valid
  // until `previous_token_until` (set when the new one is first used, plus a grace for
  // requests already under way), so a lost answer never strands a tablet. Older tokens go
  // to `retired_tokens`: one used again means a copy of the tablet's token is in use
  // elsewhere, noted in `clone_suspected_at` and `clone_detail` for the fleet view.
  await db.schema.alterTable('devices').addColumn('token_issued_at', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('previous_token_hash', 'text').execute();
  await db.schema.alterTable('devices').addColumn('previous_token_until', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('clone_suspected_at', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('clone_detail', 'text').execute();
  await db.schema.alterTable('devices').addColumn('last_address', 'text').execute();
  await db.schema.createIndex('devices_previous_token_hash').on('devices').column('previous_token_hash').execute();
  await db
    .updateTable('devices')
    .set((eb: any) => ({ token_issued_at: eb.ref('enrolled_at') }))
    .execute();
  await db.schema
    .createTable('retired_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'bigint', (c) => c.notNull())
    .execute();

  // A dashboard password someone else chose (the first run's, an admin's reset) must be
  // changed at the first sign-in. Accounts so far keep the password they have.
  await db.schema.alterTable('staff_accounts').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_accounts').dropColumn('must_change_password').execute();
  await db.schema.dropTable('retired_tokens').execute();
  await db.schema.dropIndex('devices_previous_token_hash').execute();
  for (const column of ['last_address', 'clone_detail', 'clone_suspected_at', 'previous_token_until', 'previous_token_hash', 'token_issued_at']) {
    await db.schema.alterTable('devices').dropColumn(column).execute();
  }
  await db.schema.alterTable('day_closes').dropColumn('started_session_id').execute();
  await db.schema.alterTable('day_closes').dropColumn('started_attestation').execute();
  for (const table of STAFF_MADE) {
    await db.schema.alterTable(table).dropColumn('staff_session_id').execute();
    await db.schema.alterTable(table).dropColumn('attestation').execute();
  }
  for (const table of PUSHED) await db.schema.alterTable(table).dropColumn('content_hash').execute();
  await db.schema.dropTable('attempts').execute();
  await db.schema.dropTable('staff_sessions').execute();
}
