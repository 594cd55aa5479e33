import * as v from 'valibot';

/** A whole number from a query string, within bounds: what the device pulls send as cursors and sizes. */
export const QueryNumber = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'must be a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max, `must be at most ${max}`));
