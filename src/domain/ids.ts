import * as v from 'valibot';

// Ids are made on the device (a record made offline has its id at once), so the domain only checks their shape;
// it never generates one: domain/ reads no clock and no randomness (docs/architecture.md, "The parts").
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Any RFC 9562 UUID in lower case: the ids of branches, counters and devices. */
export const IdSchema = v.pipe(v.string(), v.regex(UUID, 'must be a lower-case UUID'));

/** A UUIDv7, as every record made on a device carries. */
export const RecordIdSchema = v.pipe(v.string(), v.regex(UUID_V7, 'must be a lower-case UUIDv7'));

// Device clocks can be wrong by a day or a year (a tablet with a flat battery); the time is
// kept as data, so the range only keeps out values that cannot be a date at all.
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Milliseconds since the epoch, as read from a clock that may be wrong. */
export const EpochMsSchema = v.pipe(
  v.number(),
  v.integer('must be whole milliseconds'),
  v.minValue(EARLIEST, 'is before the year 2000'),
  v.maxValue(LATEST, 'is after the year 2100'),
);
