import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../../src/domain/teller.ts';
import { CAMERA_CONSTRAINTS, cameraProblemOf, centredSquare, pickEncoding, PHOTO_QUALITIES, PHOTO_TARGET_BYTES } from '../../../src/ui/dashboard/photo.ts';

/** A JPEG data URL of exactly `length` characters, as a canvas would give. */
const jpeg = (length: number) => {
  const head = 'data:image/jpeg;base64,';
  return head + 'A'.repeat(length - head.length);
};

describe("the roster photo's crop and scale", () => {
  it.each([
    ['a landscape camera picture', 640, 480, { x: 80, y: 0, side: 480 }],
    ['a portrait phone photo', 3024, 4032, { x: 0, y: 504, side: 3024 }],
    ['a square', 240, 240, { x: 0, y: 0, side: 240 }],
    ['a 1×1 pixel', 1, 1, { x: 0, y: 0, side: 1 }],
    ['an odd difference: the spare pixel goes on the right', 5, 2, { x: 1, y: 0, side: 2 }],
    ['a tall odd one: the spare pixel goes at the bottom', 3, 6, { x: 0, y: 1, side: 3 }],
  ])('given %s (%i × %i), then the centred square is %o', (_, width, height, crop) => {
    const square = centredSquare(width, height)!;
    expect(square).toEqual(crop);
    // Inside the picture, and as far from one edge as from the other (give or take the spare pixel).
    expect(square.x + square.side).toBeLessThanOrEqual(width);
    expect(square.y + square.side).toBeLessThanOrEqual(height);
    expect(width - square.side - 2 * square.x).toBeGreaterThanOrEqual(0);
    expect(width - square.side - 2 * square.x).toBeLessThanOrEqual(1);
  });

  it.each([
    [0, 480],
    [640, 0],
    [Number.NaN, 10],
    [Number.POSITIVE_INFINITY, 10],
    [-4, 10],
  ])('given an empty or impossible picture %s × %s, then there is nothing to crop', (width, height) => {
    expect(centredSquare(width, height)).toBeNull();
  });

  it('given a picture that is small at the best quality, then that quality is used and no other is tried', () => {
    const tried: number[] = [];
    const url = pickEncoding((q) => (tried.push(q), jpeg(20_000)));
    expect(url).toHaveLength(20_000);
    expect(tried).toEqual([PHOTO_QUALITIES[0]]);
  });

  it('given a noisy picture, then the quality goes down until it is well under the roster limit', () => {
    const sizes = new Map<number, number>([[0.85, 90_000], [0.75, 70_000], [0.6, 45_000], [0.45, 30_000]]);
    const tried: number[] = [];
    const url = pickEncoding((q) => (tried.push(q), jpeg(sizes.get(q)!)));
    expect(url).toHaveLength(45_000);
    expect(url!.length).toBeLessThanOrEqual(PHOTO_TARGET_BYTES);
    expect(tried).toEqual([0.85, 0.75, 0.6]);
  });

  it('given no quality under the target, then the smallest one the roster takes; none at all when even that is too big', () => {
    expect(pickEncoding((q) => jpeg(Math.round(60_000 + q * 100_000)))).toHaveLength(60_000 + 45_000);
    expect(pickEncoding(() => jpeg(MAX_PHOTO_BYTES + 1))).toBeNull();
  });

  it('given a browser that cannot encode JPEG (it falls back to PNG), then there is no photo', () => {
    expect(pickEncoding(() => 'data:image/png;base64,AAAA')).toBeNull();
    expect(pickEncoding(() => 'data:,')).toBeNull();
  });

  it('given the qualities, then they go down, and the target is well under what the roster takes', () => {
    expect([...PHOTO_QUALITIES].sort((a, b) => b - a)).toEqual([...PHOTO_QUALITIES]);
    expect(PHOTO_TARGET_BYTES).toBeLessThanOrEqual(MAX_PHOTO_BYTES / 2);
  });
});

describe('why the camera did not start', () => {
  it.each([
    ['NotFoundError', 'no-camera'],
    ['DevicesNotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['NotAllowedError', 'denied'],
    ['PermissionDeniedError', 'denied'],
    ['SecurityError', 'denied'],
    ['NotReadableError', 'busy'],
    ['TrackStartError', 'busy'],
    ['AbortError', 'busy'],
    ['TypeError', 'unsupported'],
    ['SomethingNew', 'failed'],
  ])('given %s, then the manager is told %s', (name, problem) => {
    expect(cameraProblemOf(new DOMException('no', name))).toBe(problem);
    expect(cameraProblemOf({ name })).toBe(problem);
  });

  it('given something that is not an error, then it is a failure, not a crash', () => {
    expect(cameraProblemOf(undefined)).toBe('failed');
    expect(cameraProblemOf('no')).toBe('failed');
  });

  it('given the request, then it asks for the camera facing the person, as an ideal, and no microphone', () => {
    expect(CAMERA_CONSTRAINTS).toEqual({ video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  });
});
