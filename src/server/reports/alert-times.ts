import { sql, type Kysely } from 'kysely';
import type { AckTimes } from '../../domain/alerts.ts';
import { addDays, startOfLocalDay, type DayRange } from '../../domain/period.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { selectsNothing, type BranchSelection } from './common.ts';

/**
 * Time to acknowledge (GET /api/reports/alert-times): of the alerts raised in the period (each
 * branch's own days, in its zone), how many, how many acknowledged, how long that took (median
 * and 90th percentile), and how many went up at least one level. Read from the alerts
 * themselves: there are few of them, unlike ratings, so no roll-up is kept.
 */
export async function alertTimesReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<AckTimes> {
  const none: AckTimes = { raised: 0, acknowledged: 0, medianMs: null, p90Ms: null, escalated: 0 };
  if (selectsNothing(selection)) return none;
  const branches = await listBranchRefs(db, selection);
  if (branches.length === 0) return none;
  // Branches in one zone share the period's instants: one condition per zone, not per branch.
  const byZone = new Map<string, string[]>();
  for (const b of branches) byZone.set(b.timeZone, [...(byZone.get(b.timeZone) ?? []), b.id]);
  const rows = await db
    .selectFrom('alerts')
    .select([
      'alerts.raised_at',
      'alerts.acknowledged_at',
      'alerts.late',
      sql<number>`case when exists (select 1 from alert_events e where e.alert_id = alerts.id and e.type = 'escalated') then 1 else 0 end`.as('escalated'),
    ])
    .where((eb) =>
      eb.or(
        [...byZone].map(([zone, ids]) =>
          eb.and([
            eb('alerts.branch_id', 'in', ids),
            eb('alerts.raised_at', '>=', startOfLocalDay(range.from, zone)),
            eb('alerts.raised_at', '<', startOfLocalDay(addDays(range.to, 1), zone)),
          ]),
        ),
      ),
    )
    .execute();
  // A late alert is counted as raised (and acknowledged, and escalated) but its time is left
  // out of the figures: it was raised long after its record was made, when the tablet came
  // back online, and how soon someone answered it says nothing of how soon a customer still
  // in the branch is answered.
  const times = rows
    .filter((r) => r.acknowledged_at !== null && Number(r.late) === 0)
    .map((r) => Number(r.acknowledged_at) - Number(r.raised_at))
    .sort((a, b) => a - b);
  return {
    raised: rows.length,
    acknowledged: rows.filter((r) => r.acknowledged_at !== null).length,
    medianMs: median(times),
    p90Ms: percentile(times, 0.9),
    escalated: rows.filter((r) => Number(r.escalated) === 1).length,
  };
}

/** The middle of sorted values (the mean of the two middle ones for an even count); null for none. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile of sorted values: the smallest value with at least `p` of them at or below it; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
