import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';

/**
 * The data folder holds the SQLite database (customers' contact details, PIN and password
 * hashes, the keys that staff sessions sign records with) and the first run's secrets: only
 * the account the server runs as may read it. Modes are set when a file or folder is made,
 * and corrected at every start for those an older version made with the usual umask (0755
 * and 0644, readable by every user of the machine).
 */

/** rwx for the owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** rw for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

// Windows has no such modes (chmod only sets read-only there); its folders inherit their ACLs.
const HAS_MODES = process.platform !== 'win32';

/** Makes a folder (and any missing parent) readable by its owner only; corrects an existing one. */
export function makePrivateDir(dir: string): void {
  // The mode applies to every folder this creates, parents included; an existing one keeps its own.
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrictMode(dir, PRIVATE_DIR_MODE);
}

/**
 * Creates an empty file readable by its owner only, unless it exists, and corrects the mode of
 * an existing one. SQLite takes an empty file as a new database, and gives its -wal and -shm
 * files the database file's mode.
 */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  restrictMode(file, PRIVATE_FILE_MODE);
}

/** Corrects the mode of a file that may or may not exist (SQLite's -wal and -shm come and go). */
export function restrictIfPresent(file: string, mode = PRIVATE_FILE_MODE): void {
  try {
    restrictMode(file, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes a text file readable by its owner only, replacing one that was there: the mode is set
 * on the open file before anything is written, so the text is never readable by others, even
 * when an older file of the same name was.
 */
export function writePrivateFile(file: string, text: string): void {
  const fd = openSync(file, 'w', PRIVATE_FILE_MODE);
  try {
    if (HAS_MODES) fchmodSync(fd, PRIVATE_FILE_MODE);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Takes away what group and others may do; a mode already as strict is left alone. */
function restrictMode(path: string, mode: number): void {
  if (!HAS_MODES) return;
  const current = statSync(path).mode & 0o777;
  if ((current & 0o077) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `${path} can be read by other users of this machine (mode ${current.toString(8)}), and this process cannot change that (${code}): ` +
        `run the server as the owner of ${path}, or run \`chmod ${mode.toString(8)} ${path}\` as its owner.`,
      { cause: error },
    );
  }
}
