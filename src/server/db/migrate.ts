import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from './schema.ts';
import * as initial from './migrations/0001_initial.ts';

// Listed here rather than read from the folder, so that the bundle-free tsx runtime and
// tests need no dynamic imports; names sort in the order they run.
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the database to the latest schema; running it again changes nothing. */
export async function migrateToLatest(db: Kysely<Database>): Promise<Result<string[], 'migration-failed'>> {
  const { error, results = [] } = await new Migrator({ db, provider }).migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    return err('migration-failed', `Migration ${failed} failed: ${String(error)}`);
  }
  return ok(applied);
}
