import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../domain/result.ts';
import { MAX_PHOTO_BYTES } from '../domain/teller.ts';

/** What a photo file is, from its first bytes: the name can lie, the bytes cannot. */
export function photoTypeOf(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | undefined {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/**
 * A photo as the roster carries it: a data URL of at most MAX_PHOTO_BYTES, since it travels
 * to every counter tablet of the branch and lives in their IndexedDB.
 */
export function photoToDataUrl(bytes: Uint8Array, name: string): Result<string, 'invalid-input'> {
  const type = photoTypeOf(bytes);
  if (!type) return err('invalid-input', `${name} is not a JPEG, PNG or WebP image.`);
  const url = `data:image/${type};base64,${Buffer.from(bytes).toString('base64')}`;
  if (url.length > MAX_PHOTO_BYTES) {
    const kb = (n: number) => `${Math.ceil(n / 1000)} KB`;
    return err(
      'invalid-input',
      `${name} is too large: ${kb(url.length)} as a data URL, and the limit is ${kb(MAX_PHOTO_BYTES)} (about ${kb((MAX_PHOTO_BYTES * 3) / 4)} of file). Resize it, e.g. to 400×400 pixels, and try again.`,
    );
  }
  return ok(url);
}

/** Reads a photo file into a data URL, or says why it cannot be one. */
export async function readPhotoFile(path: string): Promise<Result<string, 'invalid-input'>> {
  try {
    return photoToDataUrl(await readFile(path), path);
  } catch (error) {
    return err('invalid-input', `Cannot read the photo ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}
