import { MAX_PHOTO_BYTES } from '../../domain/teller.ts';

/** The side of a roster photo, in pixels: square, small enough to travel to every counter tablet. */
export const PHOTO_SIZE = 240;

/**
 * What a photo should stay under: a quarter of what the roster takes (MAX_PHOTO_BYTES), since
 * it travels to every counter tablet of the branch and lives in their IndexedDB. A 240 × 240
 * JPEG of a face is 10–30 KB at the first quality; the lower ones are for noisy camera pictures.
 */
export const PHOTO_TARGET_BYTES = MAX_PHOTO_BYTES / 4;
export const PHOTO_QUALITIES = [0.85, 0.75, 0.6, 0.45] as const;

/** The part of a picture the roster keeps: its centred square, in the picture's own pixels. */
export type Crop = { x: number; y: number; side: number };

/**
 * The largest centred square of a `width` × `height` picture; null for an empty one. The
 * offsets are whole pixels, so a picture one pixel wider than high loses that pixel on the right.
 */
export function centredSquare(width: number, height: number): Crop | null {
  if (!(width > 0 && height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) return null;
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), side };
}

/**
 * The first encoding, from the best quality down, that stays under PHOTO_TARGET_BYTES; failing
 * that the smallest that the roster still takes; null when none does. `encode` turns a quality
 * into a data URL (a canvas's toDataURL), so this part is the same in a test as in a browser.
 */
export function pickEncoding(encode: (quality: number) => string): string | null {
  let smallest: string | null = null;
  for (const quality of PHOTO_QUALITIES) {
    const url = encode(quality);
    if (!url.startsWith('data:image/jpeg;base64,')) return null;
    if (url.length <= PHOTO_TARGET_BYTES) return url;
    if (smallest === null || url.length < smallest.length) smallest = url;
  }
  return smallest !== null && smallest.length <= MAX_PHOTO_BYTES ? smallest : null;
}

/**
 * Why the camera did not start, from getUserMedia's error (its DOMException names, and the
 * older names some tablets' browsers still give). No mediaDevices at all: a browser without
 * cameras, or a page that is not a secure context (plain HTTP other than on this machine).
 */
export const CAMERA_PROBLEMS = ['no-camera', 'denied', 'busy', 'unsupported', 'failed'] as const;
export type CameraProblem = (typeof CAMERA_PROBLEMS)[number];

export function cameraProblemOf(error: unknown): CameraProblem {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'no-camera';
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

/**
 * What the camera is asked for: the one facing the person holding the laptop or tablet, as an
 * ideal rather than a must (a laptop's webcam often says no facing at all), about 640 px.
 */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
  audio: false,
};

/**
 * The roster's photo of a picture: its centred square drawn at PHOTO_SIZE × PHOTO_SIZE on a
 * canvas, as a JPEG data URL under PHOTO_TARGET_BYTES where it can be. JPEG, not WebP: every
 * tablet's browser shows it, and Safari before 14 would turn a WebP request into a large PNG.
 * Null when the picture is empty or the canvas cannot encode it.
 */
export function squarePhotoOf(source: CanvasImageSource, width: number, height: number): string | null {
  const crop = centredSquare(width, height);
  if (crop === null) return null;
  const canvas = document.createElement('canvas');
  canvas.width = PHOTO_SIZE;
  canvas.height = PHOTO_SIZE;
  const context = canvas.getContext('2d');
  if (!context) return null;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, crop.x, crop.y, crop.side, crop.side, 0, 0, PHOTO_SIZE, PHOTO_SIZE);
  return pickEncoding((quality) => canvas.toDataURL('image/jpeg', quality));
}

/** The roster's photo of an image file; null when the browser cannot read it as an image. */
export async function squarePhotoOfFile(file: Blob): Promise<string | null> {
  try {
    const image = await createImageBitmap(file);
    try {
      return squarePhotoOf(image, image.width, image.height);
    } finally {
      image.close();
    }
  } catch {
    return null;
  }
}

/** The roster's photo of the camera's picture at this moment; null before it has one. */
export function squarePhotoOfVideo(video: HTMLVideoElement): string | null {
  return squarePhotoOf(video, video.videoWidth, video.videoHeight);
}

/** Turns a camera off: every track stopped, so its light goes out and another app may have it. */
export function stopCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
