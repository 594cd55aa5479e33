import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/store/db.ts';
import { isLostConnection, withReconnect } from '../../src/store/reconnect.ts';

const named = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('isLostConnection', () => {
  it.each([
    ['WebKit after sleep', named('UnknownError', 'Connection to Indexed Database server lost. Refresh the page to try again'), true],
    ['a closing connection', named('InvalidStateError', "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing."), true],
    ['Dexie closed', new Dexie.DatabaseClosedError('Database has been closed'), true],
    ['a quota error', named('QuotaExceededError'), false],
    ['a constraint error', named('ConstraintError'), false],
    ['not an error', 'boom', false],
  ])('%s → %s', (_, error, expected) => {
    expect(isLostConnection(error)).toBe(expected);
  });
});

describe('withReconnect', () => {
  const db = createDatabase(`test-${crypto.randomUUID()}`);
  afterEach(async () => {
    await db.delete();
  });

  it('given a connection the browser closed, when work runs, then the database is opened afresh and the work succeeds', async () => {
    await db.open();
    db.close();
    let fatal = false;
    const count = await withReconnect(db, () => db.outbox.count(), () => (fatal = true));
    expect(count).toBe(0);
    expect(db.isOpen()).toBe(true);
    expect(fatal).toBe(false);
  });

  it('given the retry fails too, then the app is told to reload and the error surfaces', async () => {
    let attempts = 0;
    let fatal: unknown = null;
    const work = async () => {
      attempts++;
      throw named('InvalidStateError', 'closing');
    };
    await expect(withReconnect(db, work, (e) => (fatal = e))).rejects.toThrow('closing');
    expect(attempts).toBe(2);
    expect(fatal).toBeInstanceOf(Error);
  });

  it('given an unrelated error, then it is not retried', async () => {
    let attempts = 0;
    await expect(withReconnect(db, async () => { attempts++; throw named('ConstraintError', 'dup'); })).rejects.toThrow('dup');
    expect(attempts).toBe(1);
  });
});
