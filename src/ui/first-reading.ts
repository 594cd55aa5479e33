/**
 * The first screen's data, read with the raw IndexedDB API by a script of its own, which the
 * page runs before the app's modules: on a slow tablet the reading then overlaps their
 * parsing and running, and main.tsx finds it done. It never creates the database (a tablet
 * not enrolled yet has none), never writes, lets go of the database at once, and on any
 * failure answers null, so that main.tsx reads through Dexie instead.
 */
import type { MetaValues } from '../store/db.ts';

/** The database's name: `DEFAULT_DB_NAME` in store/db.ts (a test holds them equal), not imported, so that this script loads nothing else. */
export const FIRST_READING_DB = 'branchvoice';
const KEYS = ['device', 'config', 'shift'] as const;

export type FirstReading = Partial<Pick<MetaValues, (typeof KEYS)[number]>>;

declare global {
  // Set by this script, taken by main.tsx.
  var branchvoiceFirstReading: Promise<FirstReading | null> | undefined;
}

/** Reads the meta values the first screen needs from `factory`'s database, or null if it cannot. */
export function readFirstMeta(factory: IDBFactory, name = FIRST_READING_DB): Promise<FirstReading | null> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = factory.open(name);
    } catch {
      return resolve(null);
    }
    // No database yet: opening without a version would create an empty one; it is left uncreated.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      db.onversionchange = () => db.close();
      try {
        const tx = db.transaction('meta', 'readonly');
        const store = tx.objectStore('meta');
        const values: FirstReading = {};
        for (const key of KEYS) {
          const request = store.get(key);
          request.onsuccess = () => {
            const value = (request.result as { value?: unknown } | undefined)?.value;
            if (value !== undefined) Object.assign(values, { [key]: value });
          };
        }
        tx.oncomplete = () => {
          db.close();
          resolve(values);
        };
        tx.onabort = () => {
          db.close();
          resolve(null);
        };
      } catch {
        db.close();
        resolve(null);
      }
    };
  });
}
