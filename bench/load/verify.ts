/**
 * The load's proof: the server's tables hold exactly the records the devices sent, each
 * once, under the device that sent it, and the report roll-ups add up to them row by row.
 */
import type { Kysely } from 'kysely';
import { localDayOf } from '../../src/domain/period.ts';
import type { SyncRecord } from '../../src/domain/wire.ts';
import type { Database } from '../../src/server/db/schema.ts';
import type { LoadDevice } from './fleet.ts';

export type Verification = {
  sent: { ratings: number; shiftEvents: number };
  stored: { ratings: number; shiftEvents: number };
  /** Sent and not stored. */
  missing: number;
  /** Stored and never sent. */
  unexpected: number;
  /** Rows beyond the first of one id. */
  twice: number;
  /** Stored under another device than the one that sent it. */
  wrongDevice: number;
  /** Devices whose every record is stored. */
  devicesComplete: number;
  /** Devices whose last health report says their outbox is empty. */
  devicesReportingEmpty: number;
  /** Ratings counted by each roll-up, and the roll-up rows that differ from the ratings. */
  rollups: { branchDays: number; days: number; reasonPicks: number; reasonPicksSent: number; rowsDiffering: number };
  /** Each discrepancy, in words; empty when everything matches. */
  problems: string[];
};

type Sent = { records: readonly SyncRecord[]; device: LoadDevice }[];

/** Reads the server's tables back and compares them with what was sent. */
export async function verifyStored(db: Kysely<Database>, sent: Sent): Promise<Verification> {
  const problems: string[] = [];
  const senderOf = new Map<string, LoadDevice>();
  let sentRatings = 0;
  let sentShiftEvents = 0;
  for (const { records, device } of sent) {
    for (const record of records) {
      senderOf.set(record.id, device);
      if (record.kind === 'rating') sentRatings++;
      else sentShiftEvents++;
    }
  }

  const ratings = await db.selectFrom('ratings').select(['id', 'device_id']).execute();
  const shiftEvents = await db.selectFrom('shift_events').select(['id', 'device_id']).execute();
  const seen = new Set<string>();
  const storedPerDevice = new Map<string, number>();
  let twice = 0;
  let unexpected = 0;
  let wrongDevice = 0;
  for (const row of [...ratings, ...shiftEvents]) {
    if (seen.has(row.id)) {
      twice++;
      continue;
    }
    seen.add(row.id);
    const sender = senderOf.get(row.id);
    if (!sender) unexpected++;
    else if (sender.deviceId !== row.device_id) wrongDevice++;
    storedPerDevice.set(row.device_id, (storedPerDevice.get(row.device_id) ?? 0) + 1);
  }
  let missing = 0;
  for (const id of senderOf.keys()) if (!seen.has(id)) missing++;
  const devicesComplete = sent.filter(({ records, device }) => storedPerDevice.get(device.deviceId) === records.length && records.every((r) => seen.has(r.id))).length;

  if (missing) problems.push(`${missing} records sent were not stored`);
  if (unexpected) problems.push(`${unexpected} records stored were never sent`);
  if (twice) problems.push(`${twice} records stored twice`);
  if (wrongDevice) problems.push(`${wrongDevice} records stored under another device`);
  if (devicesComplete !== sent.length) problems.push(`${sent.length - devicesComplete} devices are missing records`);

  const rollups = await compareRollups(db, sent, problems);

  const deviceRows = await db.selectFrom('devices').select(['id', 'health']).execute();
  const healthOf = new Map(deviceRows.map((d) => [d.id, d.health === null ? null : (JSON.parse(d.health) as { outboxDepth: number })]));
  const devicesReportingEmpty = sent.filter(({ device }) => healthOf.get(device.deviceId)?.outboxDepth === 0).length;
  if (devicesReportingEmpty !== sent.length) problems.push(`${sent.length - devicesReportingEmpty} devices did not last report an empty outbox`);

  return {
    sent: { ratings: sentRatings, shiftEvents: sentShiftEvents },
    stored: { ratings: ratings.length, shiftEvents: shiftEvents.length },
    missing,
    unexpected,
    twice,
    wrongDevice,
    devicesComplete,
    devicesReportingEmpty,
    rollups,
    problems,
  };
}

const SCORE_KEYS = ['very-satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const;
type Scores = [number, number, number, number];
const SEP = '\u0000';

/**
 * The roll-ups the sent ratings must have made, computed here from the records with the
 * branch's day (decision 0009), against the rows the server holds: rating_branch_days by
 * branch and day, rating_days by counter and teller too, rating_reason_days by reason.
 */
async function compareRollups(db: Kysely<Database>, sent: Sent, problems: string[]): Promise<Verification['rollups']> {
  const branchDays = new Map<string, Scores>();
  const days = new Map<string, Scores>();
  const reasons = new Map<string, number>();
  let reasonPicksSent = 0;
  for (const { records, device } of sent) {
    for (const r of records) {
      if (r.kind !== 'rating') continue;
      const day = localDayOf(r.createdAt, device.timeZone);
      const score = SCORE_KEYS.indexOf(r.score);
      const branchKey = r.branchId + SEP + day;
      const dayKey = branchKey + SEP + r.counterId + SEP + r.tellerId;
      addScore(branchDays, branchKey, score);
      addScore(days, dayKey, score);
      for (const reason of new Set(r.reasons)) {
        reasons.set(dayKey + SEP + reason, (reasons.get(dayKey + SEP + reason) ?? 0) + 1);
        reasonPicksSent++;
      }
    }
  }

  const scoresOf = (row: { very_satisfied: number; satisfied: number; neutral: number; dissatisfied: number }): Scores => [
    Number(row.very_satisfied),
    Number(row.satisfied),
    Number(row.neutral),
    Number(row.dissatisfied),
  ];
  const storedBranchDays = await db.selectFrom('rating_branch_days').selectAll().execute();
  const storedDays = await db.selectFrom('rating_days').selectAll().execute();
  const storedReasons = await db.selectFrom('rating_reason_days').selectAll().execute();

  let rowsDiffering = 0;
  rowsDiffering += differing(branchDays, new Map(storedBranchDays.map((row) => [row.branch_id + SEP + row.day, scoresOf(row)])), (s) => s.join(','));
  rowsDiffering += differing(days, new Map(storedDays.map((row) => [[row.branch_id, row.day, row.counter_id, row.teller_id].join(SEP), scoresOf(row)])), (s) => s.join(','));
  rowsDiffering += differing(reasons, new Map(storedReasons.map((row) => [[row.branch_id, row.day, row.counter_id, row.teller_id, row.reason_id].join(SEP), Number(row.count)])), String);
  if (rowsDiffering) problems.push(`${rowsDiffering} roll-up rows differ from the ratings sent`);

  const total = (rows: { very_satisfied: number; satisfied: number; neutral: number; dissatisfied: number }[]) =>
    rows.reduce((sum, row) => sum + scoresOf(row).reduce((a, b) => a + b, 0), 0);
  return {
    branchDays: total(storedBranchDays),
    days: total(storedDays),
    reasonPicks: storedReasons.reduce((sum, row) => sum + Number(row.count), 0),
    reasonPicksSent,
    rowsDiffering,
  };
}

function addScore(map: Map<string, Scores>, key: string, score: number): void {
  let scores = map.get(key);
  if (!scores) map.set(key, (scores = [0, 0, 0, 0]));
  scores[score]! += 1;
}

/** How many keys of either map have no equal value in the other. */
function differing<T>(expected: ReadonlyMap<string, T>, stored: ReadonlyMap<string, T>, text: (value: T) => string): number {
  let count = 0;
  for (const [key, value] of expected) if (!stored.has(key) || text(stored.get(key)!) !== text(value)) count++;
  for (const key of stored.keys()) if (!expected.has(key)) count++;
  return count;
}
