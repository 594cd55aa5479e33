import { formatEnrollmentCode, normalizeEnrollmentCode } from './enrollment-code.ts';

/**
 * An enrollment link: the app's address with the code in its fragment,
 * `https://branch.example/#enroll=K7QM-2XPD`. Opened on a new tablet (typed, sent, or scanned
 * from a QR code of it), the setup screen has the code filled in and enrolling is one tap.
 * In the fragment, not the query: a browser never sends a fragment to the server, so the
 * code stays out of access logs and proxies.
 */
export const ENROLL_PARAM = 'enroll';

/** The link that enrolls a tablet with `code`, for the app served at `appUrl`. */
export function enrollmentLinkOf(appUrl: string, code: string): string {
  const url = new URL(appUrl);
  url.hash = `${ENROLL_PARAM}=${formatEnrollmentCode(normalizeEnrollmentCode(code) ?? code)}`;
  return url.toString();
}

/** The code an address's fragment carries, formatted; null when it carries none, or not a code. */
export function enrollmentCodeInFragment(hash: string): string | null {
  const value = new URLSearchParams(hash.replace(/^#/, '')).get(ENROLL_PARAM);
  const code = value === null ? null : normalizeEnrollmentCode(value);
  return code === null ? null : formatEnrollmentCode(code);
}
