import * as v from 'valibot';
import { DEFAULT_DEADLINES } from './case.ts';
import { DeadlineHoursSchema } from './config.ts';
import { IdSchema } from './ids.ts';
import { LanguageSchema } from './language.ts';
import { DEFAULT_RETENTION, TabletRetentionSchema, tabletRetentionOf } from './privacy.ts';
import { ReasonSchema } from './reason.ts';
import { DeviceSurveySchema } from './survey.ts';
import { TellerSchema } from './teller.ts';
import { TopicSchema } from './topic.ts';
import { VoicesSchema } from './voice.ts';

/**
 * The configuration a device keeps in IndexedDB so that it starts with no network. It flows
 * from server to device only, whole, when `version` changes (docs/architecture.md, "The sync protocol").
 */
export const DeviceConfigSchema = v.object({
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  branch: v.object({
    id: IdSchema,
    name: v.string(),
    defaultLanguage: LanguageSchema,
  }),
  /** The device's own counter; null for a lobby tablet. */
  counter: v.nullable(v.object({ id: IdSchema, name: v.string() })),
  /** Every counter of the branch, in name order: the opinion box asks which one it was about. */
  counters: v.array(v.object({ id: IdSchema, name: v.string() })),
  ratingCooldownMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000)),
  /** Spoken prompts for customers who cannot read the screen well (a branch setting). */
  speech: v.boolean(),
  /**
   * The locale of the voice that speaks each screen language (a branch setting): Cantonese
   * (zh-HK) or Mandarin (zh-TW) for 繁體中文, and so on. Absent from servers before the
   * setting: what tablets spoke before it (zh-CN, zh-TW, en-GB, es-ES).
   */
  voices: v.optional(VoicesSchema, {}),
  /** The branch's tellers: any of them can sign in at any counter of the branch. */
  tellers: v.array(TellerSchema),
  /** Reasons offered after a neutral or dissatisfied rating, in the branch's order. */
  reasons: v.array(ReasonSchema),
  /** Topics offered in the opinion box, in the branch's order. */
  topics: v.array(TopicSchema),
  /**
   * The network's reply deadlines for complaint cases (a head-office setting).
   * Absent in configurations pulled from servers before complaint cases: the defaults of 24 hours and 3 days.
   */
  caseDeadlines: v.optional(
    v.object({
      replyWithinHours: DeadlineHoursSchema,
      notOnSpotWithinHours: DeadlineHoursSchema,
    }),
    () => ({ ...DEFAULT_DEADLINES }),
  ),
  /**
   * How long a lobby tablet keeps a signed-off case and a refused record (docs/privacy.md).
   * Absent from servers before retention: the defaults.
   */
  tabletRetention: v.optional(TabletRetentionSchema, () => tabletRetentionOf(DEFAULT_RETENTION)),
  /**
   * The surveys scheduled at this branch that have not ended (survey.ts): a lobby tablet gets
   * those on the lobby channel with their questions, a counter those on the phone channel.
   * Absent from servers before surveys: none.
   */
  surveys: v.optional(v.array(DeviceSurveySchema), () => []),
  /**
   * A counter's own key for signing its visits' survey codes (visit-code.ts), while a phone
   * survey is scheduled at its branch; null otherwise, and on a lobby tablet.
   */
  visitKey: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url'))), null),
});
export type DeviceConfig = v.InferOutput<typeof DeviceConfigSchema>;
