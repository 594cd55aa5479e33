import Dexie from 'dexie';
import type { BranchVoiceDB } from './db.ts';

/**
 * True for the errors of a connection the browser has taken away: WebKit's "Connection to
 * Indexed Database server lost" (an UnknownError) after the tablet slept, an
 * InvalidStateError on a closing connection, or Dexie noticing the database closed.
 */
export function isLostConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const inner = (error as { inner?: unknown }).inner;
  if (inner && inner !== error && isLostConnection(inner)) return true;
  if (error instanceof Dexie.DatabaseClosedError) return true;
  if (error.name === 'InvalidStateError') return true;
  return error.name === 'UnknownError' && /connection|server lost/i.test(error.message);
}

/**
 * Runs `work`; if the connection was lost, opens the database afresh and tries once more;
 * if that fails too, calls `onFatal` (the app reloads itself). Reusing the dead connection
 * is how other offline apps have lost data silently (docs/decisions/0001-device-store-and-sync.md).
 */
export async function withReconnect<T>(
  db: BranchVoiceDB,
  work: () => Promise<T>,
  onFatal: (error: unknown) => void = () => globalThis.location?.reload(),
): Promise<T> {
  try {
    return await work();
  } catch (first) {
    if (!isLostConnection(first)) throw first;
    try {
      db.close();
      await db.open();
      return await work();
    } catch (second) {
      onFatal(second);
      throw second;
    }
  }
}
