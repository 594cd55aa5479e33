import * as v from 'valibot';

/**
 * What a device is enrolled as: a counter evaluator at one teller window, or the lobby's
 * opinion box, whose staff mode handles complaint cases.
 */
export const DEVICE_MODES = ['counter', 'lobby'] as const;
export const DeviceModeSchema = v.picklist(DEVICE_MODES);
export type DeviceMode = v.InferOutput<typeof DeviceModeSchema>;

/** A reply deadline in whole hours: at least one, at most 30 days. */
export const DeadlineHoursSchema = v.pipe(v.number(), v.integer('must be whole hours'), v.minValue(1, 'must be at least 1 hour'), v.maxValue(720, 'must be at most 720 hours (30 days)'));

/** Default pause after a rating during which taps are ignored: one customer, one rating. */
export const DEFAULT_RATING_COOLDOWN_MS = 3000;

// The configuration's schema lives apart (config-schema.ts): only the screens that read a whole
// configuration (enrolling, a pull after a change) load it, not a counter's first screen.
export type { DeviceConfig } from './config-schema.ts';
