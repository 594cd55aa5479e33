import type { BranchVoiceDB } from './db.ts';

/**
 * What took this tab's database connection away:
 * - 'upgraded': a newer version of the app opened the database at a higher schema version in
 *   another tab. This tab's code no longer matches the schema and must be reloaded.
 * - 'deleted': the database is being deleted (`indexedDB.deleteDatabase`, the browser
 *   evicting the origin).
 * - 'closed': the browser closed the connection itself (site data cleared, a disk error).
 */
export type ConnectionLoss = 'upgraded' | 'deleted' | 'closed';

/**
 * Follows the connection. Dexie closes it on 'versionchange' by itself, so that the other
 * tab's upgrade or delete is never blocked (docs/architecture.md, "The sync protocol"); after a delete or a close this
 * opens the database again at once, so every live query reads what is there now (after a
 * delete, nothing: Dexie re-runs them all when it creates the database afresh) instead of a
 * screen going on as if its records were still there. An upgrade is only reported: the caller
 * reloads the app, whose new code knows the new schema.
 */
export function watchConnection(db: BranchVoiceDB, onLoss: (loss: ConnectionLoss) => void): () => void {
  let upgrading = false;
  // Dexie calls its subscribers newest first, and its own handler (which closes the
  // connection) last: what follows waits for a task, until the connection is closed.
  const report = (loss: ConnectionLoss) =>
    setTimeout(() => {
      if (loss === 'upgraded') upgrading = true;
      else if (!upgrading) void reopen(db);
      onLoss(loss);
    }, 0);
  const onVersionChange = (event: IDBVersionChangeEvent) => {
    if (!event.newVersion) report('deleted');
    else if (event.newVersion > event.oldVersion) report('upgraded');
  };
  // The native 'close' event, not Dexie's: it fires only when the browser closes the
  // connection, never when the app does (withReconnect, a test deleting its database).
  const onForcedClose = () => report('closed');
  let connection: IDBDatabase | null = null;
  const onReady = () => {
    connection?.removeEventListener('close', onForcedClose);
    connection = db.backendDB();
    connection.addEventListener('close', onForcedClose);
  };
  db.on('versionchange', onVersionChange);
  db.on('ready', onReady, true);
  if (db.isOpen()) onReady();
  return () => {
    db.on('versionchange').unsubscribe(onVersionChange);
    db.on.ready.unsubscribe(onReady);
    connection?.removeEventListener('close', onForcedClose);
  };
}

/**
 * Opens the database again after the browser closed it. While Chromium is still deleting the
 * origin's data the open is aborted ("The connection was closed"), so it is tried again for a
 * few seconds; after that the next read or write opens it anyway.
 */
async function reopen(db: BranchVoiceDB, attempts = 20, everyMs = 200): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.open();
      return;
    } catch {
      if (attempt >= attempts) return;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
