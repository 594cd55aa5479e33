import * as v from 'valibot';
import { storableText } from './text.ts';
import type { ReplyDeadlines } from './case.ts';
import { DeadlineHoursSchema } from './config.ts';
import { IdSchema } from './ids.ts';
import { LANGUAGES, type Language } from './language.ts';
import { FIGURE_IDS, type FigureId } from './metrics.ts';
import { TimeZoneSchema } from './period.ts';
import { VOICE_LOCALES, type Voices } from './voice.ts';

/**
 * Manage › Regions & branches (src/server/routes/manage-network.ts): the shape of the bank's
 * network. Head office makes regions and branches, moves branches between regions and sets
 * the network's settings (reply deadlines, the programme's targets); a regional manager edits
 * the settings of their region's branches, nothing else. The same services as the CLI's
 * `region:add`, `branch:add`, `branch:set` and `settings:set` (services/network.ts).
 */

/** PATCH /api/manage/regions/:regionId: the region in the path. */
export const RegionParamsSchema = v.object({ regionId: IdSchema });

const NameSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

/** POST /api/manage/regions and PATCH /api/manage/regions/:regionId: its name, unique whatever its case. */
export const RegionInputSchema = v.strictObject({ name: NameSchema });
export type RegionInput = v.InferOutput<typeof RegionInputSchema>;

/** The longest thank-you time a tablet accepts (DeviceConfigSchema.ratingCooldownMs). */
export const MAX_THANK_YOU_MS = 60_000;
const ThankYouSchema = v.pipe(
  v.number('must be a number of milliseconds'),
  v.integer('must be whole milliseconds'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(MAX_THANK_YOU_MS, `must be at most ${MAX_THANK_YOU_MS} ms (a minute)`),
);
const LanguageFieldSchema = v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`);
const voiceOf = <L extends Language>(language: L) => v.optional(v.picklist(VOICE_LOCALES[language], `must be one of ${VOICE_LOCALES[language].join(', ')}`));
/** Some languages' voices: the others keep theirs. */
const VoicesChangeSchema = v.strictObject({ 'zh-Hans': voiceOf('zh-Hans'), 'zh-Hant': voiceOf('zh-Hant'), en: voiceOf('en'), es: voiceOf('es') });
/** A branch's region, or none (null): head office alone oversees it. */
const RegionRefSchema = v.nullable(IdSchema);

/**
 * POST /api/manage/branches: a new branch, with the default reasons and opinion-box topics, in
 * a region or none, and optionally its first counter.
 */
export const BranchAddSchema = v.strictObject({
  name: NameSchema,
  regionId: RegionRefSchema,
  timeZone: TimeZoneSchema,
  defaultLanguage: LanguageFieldSchema,
  ratingCooldownMs: ThankYouSchema,
  speech: v.optional(v.boolean('must be true or false')),
  voices: v.optional(VoicesChangeSchema),
  counterName: v.optional(v.pipe(v.string('must be text'), storableText(), v.trim(), v.maxLength(100, 'is longer than 100 characters'))),
});
export type BranchAdd = v.InferOutput<typeof BranchAddSchema>;

/** PATCH /api/manage/branches/:branchId: what changes; at least one field. Only head office moves a branch to another region. */
export const BranchEditSchema = v.pipe(
  v.strictObject({
    name: v.optional(NameSchema),
    regionId: v.optional(RegionRefSchema),
    timeZone: v.optional(TimeZoneSchema),
    defaultLanguage: v.optional(LanguageFieldSchema),
    ratingCooldownMs: v.optional(ThankYouSchema),
    speech: v.optional(v.boolean('must be true or false')),
    voices: v.optional(VoicesChangeSchema),
  }),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), 'nothing to change: give a name, region, time zone, language, thank-you time, speech or voices'),
);
export type BranchEdit = v.InferOutput<typeof BranchEditSchema>;

/** The programme's targets as percentages (80 for 80%), by figure. */
export type TargetPercents = Record<FigureId, number>;

/** A target as a percentage, 0 to 100: the dashboard's and the CLI's (services/settings.ts setTargets). */
export const TargetPercentSchema = v.pipe(v.number('must be a percentage from 0 to 100'), v.minValue(0, 'must be at least 0 (%)'), v.maxValue(100, 'must be at most 100 (%)'));

/** The longest waiting target the network may set, in minutes. */
export const MAX_WAIT_TARGET_MINUTES = 180;

/**
 * The waiting-time target in whole minutes, 1 to 180 (default: domain/queue.ts DEFAULT_WAIT_TARGET_MINUTES):
 * the reports count the waits within it by the roll-ups' buckets (domain/waiting.ts withinTargetOf).
 */
export const WaitTargetMinutesSchema = v.pipe(
  v.number(`must be a whole number of minutes from 1 to ${MAX_WAIT_TARGET_MINUTES}`),
  v.integer('must be whole minutes'),
  v.minValue(1, 'must be at least 1 (minute)'),
  v.maxValue(MAX_WAIT_TARGET_MINUTES, `must be at most ${MAX_WAIT_TARGET_MINUTES} (minutes)`),
);

/** PUT /api/manage/settings: the network's settings that change; at least one. */
export const NetworkSettingsEditSchema = v.pipe(
  v.strictObject({
    replyWithinHours: v.optional(DeadlineHoursSchema),
    notOnSpotWithinHours: v.optional(DeadlineHoursSchema),
    targets: v.optional(v.strictObject(Object.fromEntries(FIGURE_IDS.map((id) => [id, v.optional(TargetPercentSchema)])) as Record<FigureId, v.OptionalSchema<typeof TargetPercentSchema, undefined>>)),
    waitTargetMinutes: v.optional(WaitTargetMinutesSchema),
  }),
  v.check(
    (edit) =>
      edit.replyWithinHours !== undefined ||
      edit.notOnSpotWithinHours !== undefined ||
      Object.values(edit.targets ?? {}).some((value) => value !== undefined) ||
      edit.waitTargetMinutes !== undefined,
    'nothing to change: give a reply deadline, a target or a waiting-time target',
  ),
);
export type NetworkSettingsEdit = v.InferOutput<typeof NetworkSettingsEditSchema>;

/** The network's settings as the page shows them. */
export interface NetworkSettings {
  deadlines: ReplyDeadlines;
  targets: TargetPercents;
  /** The waiting-time target, whole minutes: the waiting report judges waits against it. */
  waitTargetMinutes: number;
}

/** A region with how many branches are in it. */
export interface NetworkRegion {
  id: string;
  name: string;
  branchCount: number;
}

/** A branch's settings as the page shows and edits them. */
export interface NetworkBranch {
  id: string;
  name: string;
  regionId: string | null;
  timeZone: string;
  defaultLanguage: Language;
  ratingCooldownMs: number;
  speech: boolean;
  voices: Voices;
  counters: number;
  configVersion: number;
}

/**
 * GET /api/manage/network: what the viewer may see of the network. Head office: every region
 * and branch, and the settings; a regional manager: their region and its branches, no settings.
 */
export interface NetworkView {
  regions: NetworkRegion[];
  branches: NetworkBranch[];
  settings: NetworkSettings | null;
  /** What the viewer may do: head office everything; a regional manager edit their branches only. */
  mayShape: boolean;
}
