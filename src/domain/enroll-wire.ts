import * as v from 'valibot';
import { DeviceModeSchema } from './config.ts';
import { DeviceConfigSchema } from './config-schema.ts';
import { IdSchema } from './ids.ts';
import { REFERENCE_PREFIXES } from './opinion.ts';

/** POST /api/enroll's answer: the device's identity, its token and its whole configuration. */
export const EnrollResponseSchema = v.object({
  deviceId: IdSchema,
  token: v.pipe(v.string(), v.minLength(32)),
  mode: DeviceModeSchema,
  /** The device's reference-code prefix, unique in its branch and never reused (decision 0004). */
  referencePrefix: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(REFERENCE_PREFIXES - 1)),
  config: DeviceConfigSchema,
});
export type EnrollResponse = v.InferOutput<typeof EnrollResponseSchema>;
