import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, DEFAULT_DB_NAME, type BranchVoiceDB } from '../../src/store/db.ts';
import { setMeta } from '../../src/store/meta.ts';
import { FIRST_READING_DB, readFirstMeta } from '../../src/ui/first-reading.ts';
import { anEnrolledDevice } from '../builders/device.ts';

// The first screen's reading with the raw IndexedDB API (src/ui/first-reading.ts), on
// fake-indexeddb, against databases the app's own store made.
const names: string[] = [];
const opened: BranchVoiceDB[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
  for (const name of names.splice(0)) indexedDB.deleteDatabase(name);
});

function aName(): string {
  const name = `first-${crypto.randomUUID()}`;
  names.push(name);
  return name;
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? '');
}

describe('readFirstMeta', () => {
  it('reads the database the app opens', () => {
    expect(FIRST_READING_DB).toBe(DEFAULT_DB_NAME);
  });

  it('given an enrolled counter mid-shift, then it reads its identity, configuration and shift', async () => {
    const name = aName();
    const db = createDatabase(name);
    opened.push(db);
    const { identity, config } = anEnrolledDevice();
    const shift = { state: 'open' as const, tellerId: crypto.randomUUID(), signInId: crypto.randomUUID(), since: 1_790_000_000_000 };
    await setMeta(db, 'device', identity);
    await setMeta(db, 'config', config);
    await setMeta(db, 'shift', shift);
    expect(await readFirstMeta(indexedDB, name)).toEqual({ device: identity, config, shift });
    // It let go of the database: the app's own connection can still change its version.
    db.close();
    await db.open();
  });

  it('given a database with nothing stored yet, then it reads nothing', async () => {
    const name = aName();
    const db = createDatabase(name);
    opened.push(db);
    await db.open();
    expect(await readFirstMeta(indexedDB, name)).toEqual({});
  });

  it('given no database, then it answers null and leaves none behind', async () => {
    const name = aName();
    expect(await readFirstMeta(indexedDB, name)).toBeNull();
    expect(await databaseNames()).not.toContain(name);
  });

  it('given a database of another shape, then it answers null', async () => {
    const name = aName();
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('other');
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
    expect(await readFirstMeta(indexedDB, name)).toBeNull();
  });
});
