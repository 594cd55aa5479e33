import { err, type Result } from '../../domain/result.ts';

/**
 * A store write's answer, with a thrown error (a bug, a disk that failed otherwise than by
 * filling up) turned into the 'unknown' failure the screen shows: a write never fails
 * silently, and a screen waiting on it never stays busy. The error itself goes to the console
 * for whoever looks at the tablet.
 */
export function writeAnswer<T, R extends string>(write: Promise<Result<T, R>>): Promise<Result<T, R | 'unknown'>> {
  return write.catch((error: unknown) => {
    console.error(error);
    return err('unknown', error instanceof Error ? error.message : String(error));
  });
}
