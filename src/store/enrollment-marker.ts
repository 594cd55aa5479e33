import type { EnrolledDevice } from './device.ts';

/**
 * A note, outside IndexedDB, that this browser was enrolled and where. When the browser
 * deletes the database (eviction under storage pressure, site data cleared) the tablet would
 * otherwise come back as a new one, with no word of what happened: with the note, the setup
 * screen says that the tablet must be enrolled again, and for which place. localStorage,
 * because Chromium's quota eviction removes the quota-managed stores (IndexedDB, Cache
 * Storage), not it; where it goes too, the tablet shows the ordinary setup screen.
 */
export interface EnrollmentMarker {
  deviceId: string;
  mode: 'counter' | 'lobby';
  branch: string;
  counter: string | null;
  enrolledAt: number;
  /** Staff chose to enroll again (after a revocation): the database was not lost. */
  released?: boolean;
}

const KEY = 'branchvoice.enrollment';

/** The storage the note lives in; absent in a worker or where the browser refuses it. */
function localStore(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Keeps the note for an enrolled device (at enrollment, and at every start). */
export function rememberEnrollment(device: EnrolledDevice, storage = localStore()): void {
  const marker: EnrollmentMarker = {
    deviceId: device.identity.deviceId,
    mode: device.identity.mode,
    branch: device.config.branch.name,
    counter: device.config.counter?.name ?? null,
    enrolledAt: device.identity.enrolledAt,
  };
  try {
    storage?.setItem(KEY, JSON.stringify(marker));
  } catch {
    // A full or refused localStorage only costs the explanation on a later setup screen.
  }
}

/** Marks the note as given up on purpose, so that a setup screen does not report a loss. */
export function releaseEnrollment(storage = localStore()): void {
  const marker = readEnrollmentMarker(storage);
  if (!marker) return;
  try {
    storage?.setItem(KEY, JSON.stringify({ ...marker, released: true }));
  } catch {
    storage?.removeItem(KEY);
  }
}

/** Removes the note: a browser that was never enrolled (tests start from one). */
export function clearEnrollmentMarker(storage = localStore()): void {
  storage?.removeItem(KEY);
}

/** The note, if this browser was ever enrolled and kept it. */
export function readEnrollmentMarker(storage = localStore()): EnrollmentMarker | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<EnrollmentMarker>;
    return typeof parsed.deviceId === 'string' && typeof parsed.branch === 'string' ? (parsed as EnrollmentMarker) : null;
  } catch {
    return null;
  }
}
