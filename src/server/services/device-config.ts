import type { Kysely } from 'kysely';
import type { ReplyDeadlines } from '../../domain/case.ts';
import type { DeviceConfig, DeviceMode } from '../../domain/config.ts';
import { localDayOf } from '../../domain/period.ts';
import { tabletRetentionOf, type Retention } from '../../domain/privacy.ts';
import { OFFLINE_ROLES } from '../../domain/staff-session.ts';
import type { DeviceSurvey, SurveyChannel } from '../../domain/survey.ts';
import type { Database } from '../db/schema.ts';
import { findBranch, type Branch } from '../repositories/branches.ts';
import { listCounters, type Counter } from '../repositories/counters.ts';
import { listItems, type ListedItem } from '../repositories/labelled-lists.ts';
import { surveysScheduledAt, type StoredSurvey } from '../repositories/surveys.ts';
import { listTellers, type StoredTeller } from '../repositories/tellers.ts';
import { readRetention } from './privacy.ts';
import { readCaseDeadlines } from './settings.ts';
import { visitCodeSecret, visitKeyOf } from './visit-keys.ts';

/** What a device's configuration is made of, as the repositories answer it. */
export type DeviceConfigParts = {
  /** What the device is: it decides whose PIN hashes and photos it carries. */
  mode: DeviceMode;
  branch: Branch;
  /** The device's own counter; undefined for a lobby tablet. */
  counter: Counter | undefined;
  /** Every counter of the branch, in any order. */
  counters: readonly Counter[];
  tellers: readonly StoredTeller[];
  reasons: readonly ListedItem<'reasons'>[];
  topics: readonly ListedItem<'topics'>[];
  /** The network's reply deadlines for complaint cases (a head-office setting). */
  caseDeadlines: ReplyDeadlines;
  /** The network's retention periods: a tablet gets those it prunes its own stores by. */
  retention: Retention;
  /** The surveys scheduled at the branch that have not ended there, with their current wording. */
  surveys: readonly (StoredSurvey & { questionnaire: DeviceSurvey['questionnaire'] })[];
  /** A counter's visit key (services/visit-keys.ts), when it holds a survey on the phone channel; else null. */
  visitKey: string | null;
};

/** The channel each kind of tablet serves: a lobby tablet asks the questions, a counter hands out the phone's code. */
const SURVEY_CHANNEL_OF: Record<DeviceMode, SurveyChannel> = { lobby: 'lobby', counter: 'phone' };

/**
 * The surveys a tablet holds: those on its channel, the lobby's with the questionnaire it asks,
 * a counter's without (the phone page asks the questions, and a counter's configuration stays
 * small).
 */
export function deviceSurveysOf(mode: DeviceMode, surveys: DeviceConfigParts['surveys']): DeviceSurvey[] {
  const channel = SURVEY_CHANNEL_OF[mode];
  return surveys
    .filter((s) => s.schedule.channels.includes(channel))
    .map((s) => ({
      id: s.id,
      version: s.currentVersion,
      startsOn: s.schedule.startsOn,
      endsOn: s.schedule.endsOn,
      channels: [...s.schedule.channels],
      questionnaire: mode === 'lobby' ? s.questionnaire : null,
    }));
}

// Sorted here rather than by the database: PostgreSQL's collation and SQLite's byte order
// disagree (case, accents), and "Counter 2" should come before "Counter 10" on the tablet.
const byName = new Intl.Collator('en', { numeric: true });

/**
 * The whole configuration a device holds: its branch, its counter and every counter of the
 * branch (the opinion box asks which one a visit was about), their settings, the active
 * roster as this kind of tablet needs it, reasons, topics and the network's reply deadlines.
 *
 * The roster is cut to the tablet's job, because whoever holds a tablet can read it: a counter
 * gets only the tellers, with their photos and the PIN hashes it checks offline; a lobby
 * tablet gets its staff with their hashes, and the tellers' names alone (a customer says whom
 * a visit was about). Managers who close the day at a counter sign in with the server.
 */
export const toDeviceConfig = ({ mode, branch, counter, counters, tellers, reasons, topics, caseDeadlines, retention, surveys, visitKey }: DeviceConfigParts): DeviceConfig => ({
  version: branch.configVersion,
  branch: { id: branch.id, name: branch.name, defaultLanguage: branch.defaultLanguage },
  counter: counter ? { id: counter.id, name: counter.name } : null,
  counters: [...counters]
    .sort((a, b) => byName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ id, name }) => ({ id, name })),
  ratingCooldownMs: branch.ratingCooldownMs,
  speech: branch.speech,
  voices: { ...branch.voices },
  tellers: tellers
    .filter((t) => mode === 'lobby' || OFFLINE_ROLES.counter.includes(t.role))
    .map(({ id, staffNumber, name, photo, stars, pin, pinMustChange, role }) => {
      const signsInHere = OFFLINE_ROLES[mode].includes(role);
      // The flag goes with the hash: a tablet that checks this PIN offline must know it is one-time (decision 0021).
      return { id, staffNumber, name, photo: mode === 'counter' ? photo : null, stars, pin: signsInHere ? pin : null, ...(signsInHere && pinMustChange && { pinMustChange: true }), role };
    }),
  reasons: reasons.map(({ id, scores, labels }) => ({ id, scores, labels })),
  topics: topics.map(({ id, kinds, labels }) => ({ id, kinds, labels })),
  caseDeadlines: { replyWithinHours: caseDeadlines.replyWithinHours, notOnSpotWithinHours: caseDeadlines.notOnSpotWithinHours },
  tabletRetention: tabletRetentionOf(retention),
  surveys: deviceSurveysOf(mode, surveys),
  visitKey: mode === 'counter' ? visitKey : null,
});

/**
 * Reads the configuration for device `id` of `mode` enrolled at `branchId` (and `counterId`, if
 * any), at `now`: the surveys it holds are those that have not ended by the branch's today. One
 * that ends drops out at the next pull, and one whose first day comes needs no new version
 * either: the tablet checks each survey's days itself (domain/survey.ts runningSurvey).
 */
export async function deviceConfigFor(
  db: Kysely<Database>,
  device: { id: string; mode: DeviceMode; branchId: string; counterId: string | null },
  now: number,
): Promise<DeviceConfig> {
  // The version is read BEFORE the rest, outside a transaction. An edit that lands in
  // between then makes the content newer than its version, and the device pulls once more;
  // the other order could pair a new version with old content, which it would keep.
  const branch = await findBranch(db, device.branchId);
  // A device row references its branch by foreign key, so a missing one is a bug.
  if (!branch) throw new Error(`Branch ${device.branchId} of an enrolled device is missing`);
  const [counters, tellers, reasons, topics, caseDeadlines, retention, surveys] = await Promise.all([
    listCounters(db, branch.id),
    listTellers(db, { branchId: branch.id, activeOnly: true }),
    listItems(db, 'reasons', { branchId: branch.id, activeOnly: true }),
    listItems(db, 'topics', { branchId: branch.id, activeOnly: true }),
    readCaseDeadlines(db),
    readRetention(db),
    surveysScheduledAt(db, branch.id, localDayOf(now, branch.timeZone)),
  ]);
  const counter = device.counterId === null ? undefined : counters.find((c) => c.id === device.counterId);
  // The key only while the counter has codes to make: the secret is read (or made) no sooner.
  const signs = device.mode === 'counter' && deviceSurveysOf(device.mode, surveys).length > 0;
  const visitKey = signs ? visitKeyOf(await visitCodeSecret(db, now), device.id) : null;
  return toDeviceConfig({ mode: device.mode, branch, counter, counters, tellers, reasons, topics, caseDeadlines, retention, surveys, visitKey });
}
