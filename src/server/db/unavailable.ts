/**
 * Whether an error says the database cannot be reached right now, rather than that the request
 * or our code is wrong: the request may well succeed in a few seconds, unchanged. The API
 * answers these 503 'unavailable' with Retry-After (errors.ts), so a device keeps its outbox and
 * tries again, and an operator reads "database down" in the log, not a bug.
 *
 * - A connection refused, reset or timed out: PostgreSQL stopped, restarting, or failing over.
 * - PostgreSQL's own words for it: 57P01 terminated by an administrator (`pg_ctl stop -m fast`),
 *   57P02 crash shutdown, 57P03 cannot connect now (starting up, shutting down), 53300 too many
 *   connections, and class 08, connection exceptions.
 * - node-postgres's when the socket ends under it: "Connection terminated unexpectedly", and
 *   "… is not queryable" for a client whose connection died between two statements.
 * - SQLite's write lock held by another process (the admin CLI, a backup) past busy_timeout.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_MESSAGES = [/^Connection terminated/, /not queryable/, /^timeout exceeded when trying to connect/];

function unavailable(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, errors, cause } = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code.startsWith('SQLITE_BUSY')) return true;
  }
  if (typeof message === 'string' && PG_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // A connection to a name with several addresses fails as an AggregateError of each attempt.
  if (Array.isArray(errors) && errors.some((e) => unavailable(e, depth + 1))) return true;
  return unavailable(cause, depth + 1);
}
