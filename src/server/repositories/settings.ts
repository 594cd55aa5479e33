import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The network-wide settings there are; a key without a row has its default (services/settings.ts).
 * `rollups-version` is the server's own: the definition its report roll-ups were last built by (services/report-rollups.ts).
 */
export type SettingKey =
  | 'reply_within_hours'
  | 'not_on_spot_within_hours'
  | 'rollups-version'
  | 'retention'
  // The programme's targets, as fractions (0.8 for 80%): services/settings.ts readTargets.
  | 'target_satisfaction'
  | 'target_complaint_rate'
  | 'target_follow_up_rate'
  // The network's waiting-time target in whole minutes: services/settings.ts readWaitTarget.
  | 'wait_target_minutes'
  // The secret the visit keys and the card key are derived from (services/visit-keys.ts): made once, never shown.
  | 'visit_code_secret';

/** The stored settings among `keys`, parsed from their JSON text; absent keys are left out. */
export async function readSettings(db: Kysely<Database>, keys: readonly SettingKey[]): Promise<Map<SettingKey, unknown>> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.key as SettingKey, JSON.parse(r.value) as unknown]));
}

/** Stores each setting, replacing what was there; the caller checked the values. */
export async function writeSettings(db: Kysely<Database>, values: ReadonlyMap<SettingKey, unknown>, now: number): Promise<void> {
  for (const [key, value] of values) {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value), updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }
}
