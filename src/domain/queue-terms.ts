/**
 * The queue's plain terms that the dashboard reads as well as the server: the steps of a
 * ticket, the export's columns and size limit, the waiting bands. Kept apart from queue.ts,
 * whose schemas would otherwise come into the browser with them (and their validators into
 * the counter's first JavaScript, which has no room to spare). queue.ts exports them too.
 */

/** The steps of a ticket, in the order they happen. */
export const QUEUE_EVENT_TYPES = ['issued', 'called', 'started', 'ended'] as const;
export type QueueEventType = (typeof QUEUE_EVENT_TYPES)[number];

/**
 * The queue system's daily export, one event per line, as CSV with a header row naming
 * these columns (any order; other columns are ignored). `time` is as QueueTimeSchema reads
 * it, or a local time "2026-12-07 09:15:02" in the branch's own zone.
 */
export const QUEUE_CSV_COLUMNS = ['ticket', 'event', 'time', 'counter', 'service'] as const;
/** An import is refused whole above this size; a busy branch's day is a few hundred kilobytes. */
export const MAX_QUEUE_CSV_BYTES = 5 * 1024 * 1024;

/** Satisfaction by waiting band: the bands' upper edges in minutes; band i = [edge i-1, edge i), the last open. */
export const WAIT_BAND_EDGES_MIN = [5, 10, 15, 20, 30] as const;
