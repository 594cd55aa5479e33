import { afterEach, expect, it } from 'vitest';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../../../src/server/db/migrate.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { latestRatings } from '../../../src/server/repositories/ratings.ts';
import { listTellers } from '../../../src/server/repositories/tellers.ts';
import { enrollDevice, issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { caseEventToRow } from '../../../src/server/repositories/case-events.ts';
import { ensureRollupsCurrent } from '../../../src/server/services/report-rollups.ts';
import { readCaseDeadlines } from '../../../src/server/services/settings.ts';
import { aCaseEvent } from '../../builders/case-event.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';

const AT = Date.UTC(2026, 10, 23, 10, 0);
const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const CASE_ID = '019ab000-0000-7000-8000-0000000000c1';

describeEachDatabase('migrations', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
  });

  it('given a migrated database, when migrations run again, then nothing is applied and nothing breaks', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateToLatest(database.db)).toEqual({ ok: true, value: [] });
    expect(await migrateToLatest(database.db)).toEqual({ ok: true, value: [] });
    const tables = (await database.db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual([
      'alert_events', 'alert_rules', 'alerts', 'attempts', 'audit_log', 'blankings', 'branches', 'case_days', 'case_events', 'complaint_cases', 'counters', 'day_closes', 'devices',
      'email_recipients', 'enrollment_codes', 'job_runs', 'match_dirty', 'notification_attempts', 'notifications', 'opinion_days', 'opinion_reads', 'opinions', 'queue_events', 'queue_systems',
      'rating_branch_days', 'rating_days', 'rating_exclusions', 'rating_flags', 'rating_reason_days', 'ratings', 'reasons', 'regions', 'retired_tokens', 'sessions', 'settings',
      'shift_events', 'staff_accounts', 'staff_sessions', 'survey_answers', 'survey_responses', 'survey_versions', 'surveys', 'tellers', 'tickets', 'topics', 'wait_days', 'wait_hours', 'wait_score_days', 'webhooks',
    ]);
  });

  it('given the schema, then bigint times and seq come back as numbers', async () => {
    database = await createTestDatabase(kind);
    await database.db
      .insertInto('ratings')
      .values({ id: 'r1', branch_id: 'b', counter_id: 'c', device_id: 'd', score: 'neutral', reasons: '[]', language: 'en', created_at: AT, received_at: AT + 1, day: '2026-01-01' })
      .execute();
    const row = await database.db.selectFrom('ratings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: AT, received_at: AT + 1 });
    expect(typeof row.seq).toBe('number');
  });

  it('given a database with rows from 0001, when 0002 runs, then old ratings keep no teller and the branch gets reasons, speech off and a new version', async () => {
    database = await createTestDatabase(kind, { upTo: '0001_initial' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', config_version: 2, created_at: AT }).execute();
    await db.insertInto('counters').values({ id: COUNTER_ID, branch_id: BRANCH_ID, name: 'Window 3', created_at: AT }).execute();
    const old = { id: 'r-old', branch_id: BRANCH_ID, counter_id: COUNTER_ID, device_id: 'd', score: 'satisfied', reasons: '[]', language: 'en', created_at: AT, received_at: AT };
    // A 0001 row: no day column yet (migration 0006 adds it).
    await db.insertInto('ratings').values(old as typeof old & { day: string }).execute();

    expect(await migrateTo(db, '0002_tellers_reasons_shifts')).toEqual({ ok: true, value: ['0002_tellers_reasons_shifts'] });

    expect(await latestRatings(db, 10)).toEqual([expect.objectContaining({ id: 'r-old', tellerId: null, signInId: null, score: 'satisfied' })]);
    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ speech: false, configVersion: 3 });
    const reasons = await listItems(db, 'reasons', { branchId: BRANCH_ID });
    expect(reasons.map(({ id, scores, labels }) => ({ id, scores, labels }))).toEqual(DEFAULT_REASONS);
    expect(reasons.map((r) => [r.position, r.active])).toEqual(DEFAULT_REASONS.map((_, i) => [i + 1, true]));
  });

  it('given branches with devices from 0002, when 0003 runs, then each device gets a prefix in enrollment order, each branch the default topics and a new version', async () => {
    database = await createTestDatabase(kind, { upTo: '0002_tellers_reasons_shifts' });
    const db = database.db;
    await db
      .insertInto('branches')
      .values([
        { id: BRANCH_ID, name: 'Main Street', default_language: 'en', config_version: 4, created_at: AT },
        { id: OTHER_BRANCH_ID, name: 'Harbour Road', default_language: 'es', config_version: 2, created_at: AT },
      ])
      .execute();
    await db.insertInto('counters').values({ id: COUNTER_ID, branch_id: BRANCH_ID, name: 'Window 3', created_at: AT }).execute();
    // Inserted out of order, one revoked: the prefixes follow enrollment time, revoked devices included.
    const device = (id: string, branchId: string, enrolledAt: number, revokedAt: number | null = null) => ({
      id,
      branch_id: branchId,
      counter_id: branchId === BRANCH_ID ? COUNTER_ID : null,
      mode: 'counter',
      label: null,
      token_hash: `hash-${id}`,
      enrolled_at: enrolledAt,
      revoked_at: revokedAt,
    });
    await db
      .insertInto('devices')
      .values([device('d-third', BRANCH_ID, AT + 3), device('d-first', BRANCH_ID, AT + 1, AT + 10), device('d-other', OTHER_BRANCH_ID, AT + 2), device('d-second', BRANCH_ID, AT + 2)])
      .execute();

    expect(await migrateTo(db, '0003_lobby_topics_opinions')).toEqual({ ok: true, value: ['0003_lobby_topics_opinions'] });

    const prefixes = await db.selectFrom('devices').select(['id', 'reference_prefix']).orderBy('id').execute();
    expect(prefixes).toEqual([
      { id: 'd-first', reference_prefix: 0 },
      { id: 'd-other', reference_prefix: 0 },
      { id: 'd-second', reference_prefix: 1 },
      { id: 'd-third', reference_prefix: 2 },
    ]);
    expect((await findBranch(db, BRANCH_ID))?.configVersion).toBe(5);
    expect((await findBranch(db, OTHER_BRANCH_ID))?.configVersion).toBe(3);
    for (const branchId of [BRANCH_ID, OTHER_BRANCH_ID]) {
      const topics = await listItems(db, 'topics', { branchId });
      expect(topics.map(({ id, kinds, labels }) => ({ id, kinds, labels }))).toEqual(DEFAULT_TOPICS);
      expect(topics.map((t) => [t.position, t.active])).toEqual(DEFAULT_TOPICS.map((_, i) => [i + 1, true]));
    }

    // The next tablet enrolled gets the lowest prefix never given: the revoked one's 0 stays taken.
    // (Enrolled on today's schema: its configuration is read from tables added after 0003.)
    await migrateToLatest(db);
    const code = await issueEnrollmentCode(db, { mode: 'lobby', branchId: BRANCH_ID }, AT);
    if (!code.ok) throw new Error(code.message);
    expect(await enrollDevice(db, { code: code.value.code }, AT)).toMatchObject({ ok: true, value: { mode: 'lobby', referencePrefix: 3 } });
  });

  it('given tellers from 0003, when 0004 runs, then every one of them is a teller and case events can be stored', async () => {
    database = await createTestDatabase(kind, { upTo: '0003_lobby_topics_opinions' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT }).execute();
    await db
      .insertInto('tellers')
      .values({ id: 't1', branch_id: BRANCH_ID, staff_number: '1', name: 'Mei', photo: null, stars: 3, pin_salt: 's', pin_hash: 'h', pin_iterations: 1, created_at: AT })
      .execute();

    expect(await migrateTo(db, '0004_staff_roles_case_events')).toEqual({ ok: true, value: ['0004_staff_roles_case_events'] });

    expect(await listTellers(db)).toEqual([expect.objectContaining({ id: 't1', role: 'teller' })]);
    const event = { branch_id: BRANCH_ID, case_id: 'c', device_id: 'd', staff_id: 't1', role: 'lobby-staff', type: 'opened', payload: '{}', created_at: AT, received_at: AT, status: 'applied' };
    await db.insertInto('case_events').values([{ ...event, id: 'e1' }, { ...event, id: 'e2' }]).execute();
    const seqs = (await db.selectFrom('case_events').select('seq').orderBy('seq').execute()).map((r) => r.seq);
    expect(seqs[1]! > seqs[0]!).toBe(true);
    await expect(db.insertInto('case_events').values({ ...event, id: 'e1' }).execute()).rejects.toThrow();
  });

  it('given case events from 0004, when 0005 runs, then opened events know their entry, the deadlines are the defaults and every branch has a new version', async () => {
    database = await createTestDatabase(kind, { upTo: '0004_staff_roles_case_events' });
    const db = database.db;
    await db
      .insertInto('branches')
      .values([
        { id: BRANCH_ID, name: 'Main Street', default_language: 'en', config_version: 6, created_at: AT },
        { id: OTHER_BRANCH_ID, name: 'Harbour Road', default_language: 'es', config_version: 2, created_at: AT },
      ])
      .execute();
    const event = (id: string, type: string, payload: object) => ({
      id,
      branch_id: BRANCH_ID,
      case_id: 'c1',
      device_id: 'd',
      staff_id: 's',
      role: 'lobby-staff',
      type,
      payload: JSON.stringify({ id, type, ...payload }),
      created_at: AT,
      received_at: AT,
      status: 'applied',
    });
    await db
      .insertInto('case_events')
      .values([event('e1', 'opened', { opinionId: 'o1' }), event('e2', 'opened', { opinionId: null }), event('e3', 'restated', { text: 'x' })])
      .execute();

    expect(await migrateTo(db, '0005_opinion_reads_settings')).toEqual({ ok: true, value: ['0005_opinion_reads_settings'] });

    expect(await db.selectFrom('case_events').select(['id', 'opinion_id']).orderBy('id').execute()).toEqual([
      { id: 'e1', opinion_id: 'o1' },
      { id: 'e2', opinion_id: null },
      { id: 'e3', opinion_id: null },
    ]);
    expect((await findBranch(db, BRANCH_ID))?.configVersion).toBe(7);
    expect((await findBranch(db, OTHER_BRANCH_ID))?.configVersion).toBe(3);
    expect(await readCaseDeadlines(db)).toEqual({ replyWithinHours: 24, notOnSpotWithinHours: 72 });
    const read = { id: 'r1', opinion_id: 'o1', branch_id: BRANCH_ID, device_id: 'd', staff_id: 's', role: 'complaint-manager', created_at: AT, received_at: AT };
    await db.insertInto('opinion_reads').values(read).execute();
    await expect(db.insertInto('opinion_reads').values(read).execute()).rejects.toThrow();
  });

  it('given a prefix taken twice in a branch, then the database refuses it', async () => {
    database = await createTestDatabase(kind);
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT }).execute();
    const device = (id: string) => ({ id, branch_id: BRANCH_ID, mode: 'lobby', token_hash: `hash-${id}`, enrolled_at: AT, reference_prefix: 7 });
    await db.insertInto('devices').values(device('d1')).execute();
    await expect(db.insertInto('devices').values(device('d2')).execute()).rejects.toThrow();
  });

  it('given ratings and a case from 0005, when 0006 runs and the server starts, then the branch is in UTC and its records are rolled up by their UTC day', async () => {
    database = await createTestDatabase(kind, { upTo: '0005_opinion_reads_settings' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT }).execute();
    const rating = (id: string, createdAt: number, score: string) => ({
      id, branch_id: BRANCH_ID, counter_id: COUNTER_ID, device_id: 'd', teller_id: 't', sign_in_id: 's', score, reasons: '["speed"]', language: 'en', created_at: createdAt, received_at: AT,
    });
    // 0005 rows: no day column yet.
    const old = [rating('r1', Date.UTC(2026, 10, 22, 23, 30), 'satisfied'), rating('r2', Date.UTC(2026, 10, 23, 0, 30), 'neutral')];
    await db.insertInto('ratings').values(old as (typeof old[number] & { day: string })[]).execute();
    const opened = aCaseEvent('opened', CASE_ID, { createdAt: Date.UTC(2026, 10, 23, 8), topicId: 'fees' });
    // 0005 rows: none of the columns 0007 adds.
    const row = { ...caseEventToRow(opened, 'd', AT, { status: 'applied' }) } as Record<string, unknown>;
    for (const added of ['content_hash', 'attestation', 'staff_session_id']) delete row[added];
    await db.insertInto('case_events').values(row as never).execute();

    expect(await migrateTo(db, '0006_reports_day_close_accounts')).toEqual({ ok: true, value: ['0006_reports_day_close_accounts'] });
    expect(await migrateToLatest(db)).toEqual({ ok: true, value: migrationsAfter('0006_reports_day_close_accounts') });
    expect(await ensureRollupsCurrent(db, AT)).toBe(1);

    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ timeZone: 'UTC' });
    expect(await db.selectFrom('ratings').select(['id', 'day']).orderBy('id').execute()).toEqual([{ id: 'r1', day: '2026-11-22' }, { id: 'r2', day: '2026-11-23' }]);
    expect(await db.selectFrom('rating_branch_days').select(['day', 'satisfied', 'neutral']).orderBy('day').execute()).toEqual([
      { day: '2026-11-22', satisfied: 1, neutral: 0 },
      { day: '2026-11-23', satisfied: 0, neutral: 1 },
    ]);
    expect(await db.selectFrom('rating_reason_days').select(['day', 'reason_id', 'count']).orderBy('day').execute()).toEqual([
      { day: '2026-11-22', reason_id: 'speed', count: 1 },
      { day: '2026-11-23', reason_id: 'speed', count: 1 },
    ]);
    expect(await db.selectFrom('case_days').select(['day', 'channel', 'topic_id', 'opened']).execute()).toEqual([{ day: '2026-11-23', channel: 'in-person', topic_id: 'fees', opened: 1 }]);
    expect(await db.selectFrom('complaint_cases').select(['id', 'status', 'opened_day']).execute()).toEqual([{ id: CASE_ID, status: 'open', opened_day: '2026-11-23' }]);
  });

  it('given the latest schema, when it goes back to 0001 and up again, then both directions work', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateTo(database.db, '0001_initial')).toEqual({
      ok: true,
      value: migrationsAfter('0001_initial').reverse(),
    });
    expect(await migrateToLatest(database.db)).toEqual({
      ok: true,
      value: migrationsAfter('0001_initial'),
    });
  });

  it('given a device, a day close and case events from 0006, when 0007 runs, then the token dates from enrollment and every staff act so far is the tablet\'s word', async () => {
    database = await createTestDatabase(kind, { upTo: '0006_reports_day_close_accounts' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT }).execute();
    const device = { id: 'd1', branch_id: BRANCH_ID, mode: 'lobby', token_hash: 'hash-d1', enrolled_at: AT - 5, reference_prefix: 7 };
    await db.insertInto('devices').values(device as never).execute();
    await db.insertInto('day_closes').values({ branch_id: BRANCH_ID, day: '2026-11-23', started_at: AT, started_by: 's', started_device_id: 'd1' } as never).execute();
    const { content_hash: _hash, attestation: _attestation, staff_session_id: _session, ...opened } = caseEventToRow(aCaseEvent('opened', CASE_ID, { createdAt: AT }), 'd1', AT, { status: 'applied' }) as Record<string, unknown>;
    await db.insertInto('case_events').values(opened as never).execute();

    expect(await migrateTo(db, '0007_staff_sessions_attestation')).toEqual({ ok: true, value: ['0007_staff_sessions_attestation'] });

    expect(await db.selectFrom('devices').select(['token_issued_at', 'previous_token_hash', 'clone_suspected_at']).execute()).toEqual([
      { token_issued_at: AT - 5, previous_token_hash: null, clone_suspected_at: null },
    ]);
    expect(await db.selectFrom('day_closes').select(['started_attestation', 'started_session_id']).execute()).toEqual([{ started_attestation: 'tablet', started_session_id: null }]);
    expect(await db.selectFrom('case_events').select(['attestation', 'staff_session_id', 'content_hash']).execute()).toEqual([{ attestation: 'tablet', staff_session_id: null, content_hash: null }]);
    expect(await db.selectFrom('staff_accounts').selectAll().execute()).toEqual([]);
  });

  it('given entries from 0007, with and without contact details, when 0008 runs, then each knows whether it came with contact details and nothing is blanked', async () => {
    database = await createTestDatabase(kind, { upTo: '0007_staff_sessions_attestation' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT }).execute();
    const entry = (id: string, contact: { phone: string; email: string } | null) => ({
      id, branch_id: BRANCH_ID, device_id: 'd1', opinion_kind: 'complaint', topic_id: 'waiting', text: 'Slow', visit_score: null, visit_counter_id: null, visit_teller_id: null,
      contact_name: contact ? 'Wong' : null, contact_phone: contact?.phone ?? null, contact_email: contact?.email ?? null, wants_reply: contact ? 1 : null, consent: contact ? 1 : null,
      reference_code: `R-${id}`, language: 'en', created_at: AT, received_at: AT, day: '2026-11-23', content_hash: null,
    });
    await db.insertInto('opinions').values([entry('o1', { phone: '+852 9123 4567', email: '' }), entry('o2', { phone: '', email: 'a@b.hk' }), entry('o3', null)] as never).execute();

    expect(await migrateTo(db, '0008_privacy')).toEqual({ ok: true, value: ['0008_privacy'] });

    expect(await db.selectFrom('opinions').select(['id', 'had_contact', 'contact_blanked_at', 'text_blanked_at']).orderBy('id').execute()).toEqual([
      { id: 'o1', had_contact: 1, contact_blanked_at: null, text_blanked_at: null },
      { id: 'o2', had_contact: 1, contact_blanked_at: null, text_blanked_at: null },
      { id: 'o3', had_contact: 0, contact_blanked_at: null, text_blanked_at: null },
    ]);
  });

  it('given a branch from 0008, when 0009 runs, then it speaks every language with the voice it spoke before: zh-TW for 繁體中文', async () => {
    database = await createTestDatabase(kind, { upTo: '0008_privacy' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'zh-Hant', created_at: AT } as never).execute();

    expect(await migrateToLatest(db)).toEqual({ ok: true, value: migrationsAfter('0008_privacy') });

    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-ES' } });
    expect(await migrateTo(db, '0008_privacy')).toEqual({ ok: true, value: migrationsAfter('0008_privacy').reverse() });
  });

  it('given a branch from 0009, when 0010 runs, then it is in no region, and going back keeps it', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    expect(await migrateTo(db, '0009_branch_voices')).toEqual({ ok: true, value: migrationsAfter('0009_branch_voices').reverse() });
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT } as never).execute();

    expect(await migrateToLatest(db)).toEqual({ ok: true, value: migrationsAfter('0009_branch_voices') });

    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ name: 'Main Street', regionId: null });
    expect(await migrateTo(db, '0009_branch_voices')).toEqual({ ok: true, value: migrationsAfter('0009_branch_voices').reverse() });
    expect(await db.selectFrom('branches').select('name').execute()).toEqual([{ name: 'Main Street' }]);
  });
  it('given a device and a code from 0010, when 0011 runs, then the device has no place label and the code replaces nothing, and going back keeps them', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    expect(await migrateTo(db, '0010_regions')).toEqual({ ok: true, value: migrationsAfter('0010_regions').reverse() });
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT } as never).execute();
    await db.insertInto('counters').values({ id: COUNTER_ID, branch_id: BRANCH_ID, name: 'Window 3', created_at: AT }).execute();
    await db.insertInto('devices').values({ id: 'd1', branch_id: BRANCH_ID, counter_id: COUNTER_ID, mode: 'counter', label: 'Chromium', token_hash: 'h', enrolled_at: AT } as never).execute();
    await db.insertInto('enrollment_codes').values({ code_hash: 'c', branch_id: BRANCH_ID, counter_id: COUNTER_ID, mode: 'counter', created_at: AT, expires_at: AT + 1 } as never).execute();

    expect(await migrateToLatest(db)).toEqual({ ok: true, value: migrationsAfter('0010_regions') });

    expect(await db.selectFrom('devices').select(['id', 'label', 'place_label']).execute()).toEqual([{ id: 'd1', label: 'Chromium', place_label: null }]);
    expect(await db.selectFrom('enrollment_codes').select(['code_hash', 'replaces_device_id']).execute()).toEqual([{ code_hash: 'c', replaces_device_id: null }]);
    await db.updateTable('enrollment_codes').set({ replaces_device_id: 'd1' }).execute();
    expect(await migrateTo(db, '0010_regions')).toEqual({ ok: true, value: migrationsAfter('0010_regions').reverse() });
    expect(await db.selectFrom('devices').select(['id', 'label']).execute()).toEqual([{ id: 'd1', label: 'Chromium' }]);
    expect(await db.selectFrom('enrollment_codes').select('code_hash').execute()).toEqual([{ code_hash: 'c' }]);
  });

  it('given a teller from before 0012, when 0012 runs, then their PIN is not one-time (they have been signing in with it), and going back keeps them', async () => {
    database = await createTestDatabase(kind);
    const { db } = database;
    // Whatever runs just before it: migrations of other areas may come between 0010 and 0012.
    const before = MIGRATION_NAMES[MIGRATION_NAMES.indexOf('0012_one_time_pins') - 1]!;
    expect(await migrateTo(db, before)).toEqual({ ok: true, value: migrationsAfter(before).reverse() });
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', created_at: AT } as never).execute();
    await db
      .insertInto('tellers')
      .values({ id: 't1', branch_id: BRANCH_ID, staff_number: '1001', name: 'Mei Chen', photo: null, stars: 4, pin_salt: 'c2FsdA==', pin_hash: 'aGFzaA==', pin_iterations: 100_000, role: 'teller', active: 1, created_at: AT } as never)
      .execute();

    expect(await migrateToLatest(db)).toEqual({ ok: true, value: migrationsAfter(before) });

    expect((await listTellers(db, { branchId: BRANCH_ID })).map((t) => [t.staffNumber, t.pinMustChange])).toEqual([['1001', false]]);
    await db.updateTable('tellers').set({ pin_must_change: 1 }).execute();
    expect((await listTellers(db, { branchId: BRANCH_ID }))[0]!.pinMustChange).toBe(true);
    expect(await migrateTo(db, before)).toEqual({ ok: true, value: migrationsAfter(before).reverse() });
    expect(await db.selectFrom('tellers').select(['id', 'pin_hash']).execute()).toEqual([{ id: 't1', pin_hash: 'aGFzaA==' }]);
  });
});

/** The migrations that run after `name`, in order: the list grows with every migration. */
function migrationsAfter(name: string): string[] {
  return MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(name) + 1);
}
