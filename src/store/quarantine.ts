import { liveQuery } from 'dexie';
import type { DeviceConfig } from '../domain/config.ts';
import { DAY_MS, DEFAULT_RETENTION, dueBefore, tabletRetentionOf, type TabletRetention } from '../domain/privacy.ts';
import type { BranchVoiceDB, QuarantineRow } from './db.ts';
import type { EnrolledDevice } from './device.ts';

/**
 * The quarantine: records the server refused (settleOutbox puts them here), kept for staff to
 * see on the "Refused records" screen, to discard once they have acted on them, and removed
 * by the tablet itself `quarantineDays` after they came in (docs/architecture.md, "The sync
 * protocol", its blankings and the tablet's retention).
 */

/**
 * The retention periods the tablet follows. A configuration kept before the server sent them
 * has none (the schema's default applies only to a configuration pulled since): the defaults then.
 */
export function tabletRetentionIn(config: DeviceConfig): TabletRetention {
  return (config as Partial<DeviceConfig>).tabletRetention ?? tabletRetentionOf(DEFAULT_RETENTION);
}

/** When the tablet removes a refused record by itself: at the first pruning after this. */
export const removedAfter = (row: Pick<QuarantineRow, 'quarantinedAt'>, retention: TabletRetention): number => row.quarantinedAt + retention.quarantineDays * DAY_MS;

/** Emits the refused records, the newest first, whenever the quarantine changes. */
export const watchQuarantine = (db: BranchVoiceDB) => liveQuery(async (): Promise<QuarantineRow[]> => (await db.quarantine.orderBy('quarantinedAt').reverse().toArray()));

/** Staff discard a refused record they have seen to: the status corner's count follows. */
export async function discardQuarantined(db: BranchVoiceDB, recordId: string): Promise<void> {
  await db.quarantine.delete(recordId);
}

/**
 * Deletes the refused records that came in more than `days` before `now` (strictly: one that
 * came in exactly `days` ago stays until the next pruning). Answers how many went. One range
 * deletion on the quarantinedAt index; the outbox is never touched.
 */
export async function pruneQuarantine(db: BranchVoiceDB, now: number, days: number): Promise<number> {
  return db.quarantine.where('quarantinedAt').below(dueBefore(now, days)).delete();
}

/** Emits how many refused records the tablet keeps, whenever that changes: staff screens' way in. */
export const watchQuarantineCount = (db: BranchVoiceDB) => liveQuery(() => db.quarantine.count());

/**
 * Prunes what the tablet keeps past the configuration's retention, at `now`: refused records
 * on every tablet, and on a lobby tablet the events of long signed-off cases
 * (case-retention.ts, loaded only there). Never the outbox. The sync engine runs it after
 * every successful run and at start-up.
 */
export async function pruneTablet(db: BranchVoiceDB, device: EnrolledDevice, now: number): Promise<void> {
  const retention = tabletRetentionIn(device.config);
  await pruneQuarantine(db, now, retention.quarantineDays);
  if (device.identity.mode !== 'lobby') return;
  const { pruneClosedCases } = await import('./case-retention.ts');
  await pruneClosedCases(db, now, retention.closedCaseDays);
}
