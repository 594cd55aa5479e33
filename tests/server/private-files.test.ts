import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { makePrivateDir, writePrivateFile } from '../../src/server/private-files.ts';

/** A path's permission bits, as `ls -l` shows them in octal: '700', '600'. */
const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

// The data folder holds customers' contact details and the first run's secrets: nobody but the
// server's own account may read it, whatever the umask, and whatever an older version left.
describe.skipIf(process.platform === 'win32')('the data folder and the SQLite files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bv-private-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('given no data folder, when the database is opened and written, then the folder is 0700 and the database, its -wal and its -shm are 0600', async () => {
    const dataDir = join(root, 'var', 'data');
    const file = join(dataDir, SQLITE_FILE_NAME);
    const database = createDatabase({ sqliteFile: file });
    try {
      const migrated = await migrateToLatest(database.db);
      expect(migrated.ok).toBe(true);
      // While the connection is open in WAL mode, SQLite keeps both companions beside the file.
      expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`)]).toEqual([true, true]);
      expect({ parent: modeOf(join(root, 'var')), dataDir: modeOf(dataDir), file: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) }).toEqual({
        parent: '700',
        dataDir: '700',
        file: '600',
        wal: '600',
        shm: '600',
      });
    } finally {
      await database.destroy();
    }
  });

  it('given a folder and database that an older version left readable by everyone, when the server opens it, then their modes are corrected and the data is kept', async () => {
    const dataDir = join(root, 'data');
    const file = join(dataDir, SQLITE_FILE_NAME);
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    // Another connection (an admin CLI, say) holds the database open, so -wal and -shm exist.
    const older = new SQLite(file);
    older.pragma('journal_mode = WAL');
    older.exec("create table kept (v text); insert into kept values ('still here')");
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    expect([modeOf(dataDir), modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(['755', '644', '644', '644']);

    const database = createDatabase({ sqliteFile: file });
    try {
      expect([modeOf(dataDir), modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual(['700', '600', '600', '600']);
      expect(older.prepare('select v from kept').pluck().get()).toBe('still here');
    } finally {
      older.close();
      await database.destroy();
    }
  });

  it('given a folder already stricter than 0700, then it is left as it is', () => {
    const dir = join(root, 'strict');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    makePrivateDir(dir);
    expect(modeOf(dir)).toBe('500');
  });

  it('given a secret file that an older version wrote readable by everyone, when it is written again, then it is 0600 and holds only the new text', () => {
    const file = join(root, 'first-run.txt');
    writeFileSync(file, 'an old secret that was much longer than the new one\n');
    chmodSync(file, 0o644);
    writePrivateFile(file, 'new\n');
    expect(modeOf(file)).toBe('600');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
  });

  it('given no file yet, when a secret is written under a permissive umask, then it is 0600 from the start', () => {
    const file = join(root, 'fresh.txt');
    const umask = process.umask(0o000);
    try {
      writePrivateFile(file, 'secret\n');
      makePrivateDir(join(root, 'fresh-dir'));
    } finally {
      process.umask(umask);
    }
    expect([modeOf(file), modeOf(join(root, 'fresh-dir'))]).toEqual(['600', '700']);
  });
});
