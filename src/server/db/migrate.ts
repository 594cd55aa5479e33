import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from './schema.ts';
import * as initial from './migrations/0001_initial.ts';
import * as tellers from './migrations/0002_tellers_reasons_shifts.ts';
import * as lobby from './migrations/0003_lobby_topics_opinions.ts';
import * as cases from './migrations/0004_staff_roles_case_events.ts';
import * as review from './migrations/0005_opinion_reads_settings.ts';
import * as reports from './migrations/0006_reports_day_close_accounts.ts';
import * as attestation from './migrations/0007_staff_sessions_attestation.ts';
import * as privacy from './migrations/0008_privacy.ts';
import * as voices from './migrations/0009_branch_voices.ts';
import * as regions from './migrations/0010_regions.ts';
import * as replacementCodes from './migrations/0011_replacement_codes.ts';
import * as oneTimePins from './migrations/0012_one_time_pins.ts';
import * as alerts from './migrations/0013_alerts.ts';
import * as queueTickets from './migrations/0014_queue_tickets.ts';
import * as surveys from './migrations/0015_surveys.ts';
import * as matchDirtyVersion from './migrations/0016_match_dirty_version.ts';
import * as ratingsTellerIndexDropped from './migrations/0017_ratings_teller_index_dropped.ts';

// Listed here rather than read from the folder, so that the bundle-free tsx runtime and
// tests need no dynamic imports; names sort in the order they run.
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_tellers_reasons_shifts': tellers,
  '0003_lobby_topics_opinions': lobby,
  '0004_staff_roles_case_events': cases,
  '0005_opinion_reads_settings': review,
  '0006_reports_day_close_accounts': reports,
  '0007_staff_sessions_attestation': attestation,
  '0008_privacy': privacy,
  '0009_branch_voices': voices,
  '0010_regions': regions,
  '0011_replacement_codes': replacementCodes,
  '0012_one_time_pins': oneTimePins,
  '0013_alerts': alerts,
  '0014_queue_tickets': queueTickets,
  '0015_surveys': surveys,
  '0016_match_dirty_version': matchDirtyVersion,
  '0017_ratings_teller_index_dropped': ratingsTellerIndexDropped,
};

/** Every migration's name, in the order they run. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the database to the latest schema; running it again changes nothing. */
export async function migrateToLatest(db: Kysely<Database>): Promise<Result<string[], 'migration-failed'>> {
  return outcome(await new Migrator({ db, provider }).migrateToLatest());
}

/** Brings the database up (or down) to the named migration: tests of an upgrade start from an old schema. */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<Result<string[], 'migration-failed'>> {
  return outcome(await new Migrator({ db, provider }).migrateTo(name));
}

function outcome({ error, results = [] }: MigrationResultSet): Result<string[], 'migration-failed'> {
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    return err('migration-failed', `Migration ${failed} failed: ${String(error)}`);
  }
  return ok(applied);
}
