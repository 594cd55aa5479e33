import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../src/domain/teller.ts';
import { photoToDataUrl, photoTypeOf } from '../../src/server/photos.ts';

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

describe('photos from files', () => {
  it.each([
    ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10), 'jpeg'],
    ['a PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), 'png'],
    ['a WebP', bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 '), 'webp'],
    ['a GIF', bytes('GIF89a'), undefined],
    ['a RIFF that is not WebP', bytes('RIFF', 0x24, 0, 0, 0, 'WAVEfmt '), undefined],
    ['an empty file', bytes(), undefined],
  ])('given %s, then its type comes from its first bytes', (_, file, type) => {
    expect(photoTypeOf(file)).toBe(type);
  });

  it('given a small PNG, then it becomes a data URL of its bytes', () => {
    const png = bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3);
    expect(photoToDataUrl(png, 'a.png')).toEqual({ ok: true, value: `data:image/png;base64,${Buffer.from(png).toString('base64')}` });
  });

  it('given a photo whose data URL would pass the limit, then it is refused with the sizes and the fix', () => {
    const jpeg = new Uint8Array(Math.ceil((MAX_PHOTO_BYTES * 3) / 4));
    jpeg.set([0xff, 0xd8, 0xff]);
    expect(photoToDataUrl(jpeg, 'big.jpg')).toEqual({
      ok: false,
      reason: 'invalid-input',
      message: 'big.jpg is too large: 201 KB as a data URL, and the limit is 200 KB (about 150 KB of file). Resize it, e.g. to 400×400 pixels, and try again.',
    });
  });

  it('given a text file, then it is not a photo', () => {
    expect(photoToDataUrl(bytes('hello'), 'notes.jpg')).toEqual({ ok: false, reason: 'invalid-input', message: 'notes.jpg is not a JPEG, PNG or WebP image.' });
  });
});
