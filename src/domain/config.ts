import * as v from 'valibot';
import { IdSchema } from './ids.ts';
import { LanguageSchema } from './language.ts';
import { ReasonSchema } from './reason.ts';
import { TellerSchema } from './teller.ts';

/** What a device is enrolled as. The lobby and staff modes arrive with their issues. */
export const DEVICE_MODES = ['counter'] as const;
export const DeviceModeSchema = v.picklist(DEVICE_MODES);
export type DeviceMode = v.InferOutput<typeof DeviceModeSchema>;

/** Default pause after a rating during which taps are ignored: one customer, one rating. */
export const DEFAULT_RATING_COOLDOWN_MS = 3000;

/**
 * The configuration a device keeps in IndexedDB so that it starts with no network. It flows
 * from server to device only, whole, when `version` changes (DESIGN.md "Data").
 */
export const DeviceConfigSchema = v.object({
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  branch: v.object({
    id: IdSchema,
    name: v.string(),
    defaultLanguage: LanguageSchema,
  }),
  counter: v.nullable(v.object({ id: IdSchema, name: v.string() })),
  ratingCooldownMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000)),
  /** Spoken prompts for customers who cannot read the screen well (a branch setting). */
  speech: v.boolean(),
  /** The branch's tellers: any of them can sign in at any counter of the branch. */
  tellers: v.array(TellerSchema),
  /** Reasons offered after a neutral or dissatisfied rating, in the branch's order. */
  reasons: v.array(ReasonSchema),
});
export type DeviceConfig = v.InferOutput<typeof DeviceConfigSchema>;
