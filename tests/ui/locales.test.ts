import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/domain/language.ts';
import type { OpinionFailure } from '../../src/store/opinions.ts';
import type { RatingFailure } from '../../src/store/ratings.ts';
import type { ShiftFailure } from '../../src/store/shift.ts';
import type { StaffPinChangeFailure } from '../../src/sync/staff-pin.ts';
import type { StaffSignInFailure } from '../../src/sync/staff-session.ts';
import type { WriteFailure } from '../../src/store/write.ts';
import type { EnrollFailure } from '../../src/sync/enroll.ts';
import type { TransportFailure } from '../../src/sync/http.ts';
import { resources } from '../../src/ui/i18n.ts';
import { dayCloseResources } from '../../src/ui/components/day-close-locales.ts';
import { faultResources } from '../../src/ui/components/fault-locales.ts';
import { lobbyResources } from '../../src/ui/lobby/locales.ts';
import { staffResources } from '../../src/ui/components/staff-locales.ts';
import { surveyCounterResources } from '../../src/ui/counter/survey-counter-locales.ts';
import { QUARANTINE_REASONS } from '../../src/ui/components/RefusedRecords.tsx';

// Every reason a screen can show as `errors.<reason>`. `satisfies Record<Reason, …>` makes the
// compiler refuse this table when a reason is added to the code and not here (and the other
// way round), so a new failure cannot reach a customer as a raw key.
// The staff menu's own: no teller signed in; the counter's sign-in and day close: a manager at the window, a teller at the close.
type ScreenFailure = 'closed' | 'teller-only' | 'day-close-role';
type Reason = TransportFailure | EnrollFailure | WriteFailure | RatingFailure | ShiftFailure | StaffSignInFailure | ScreenFailure | OpinionFailure | 'needs-verified-session' | 'unknown';
const REASONS = {
  offline: 'http: fetch failed while navigator.onLine is false',
  unreachable: 'http: fetch failed',
  timeout: 'http: no answer within timeoutMs',
  'server-error': 'http: 5xx',
  'rate-limited': 'http: 429',
  unauthorized: 'http: 401',
  'device-revoked': 'http: 401 { code: device-revoked }',
  'device-expired': 'http: 401 { code: device-expired }',
  'token-superseded': 'http: 401 { code: token-superseded }',
  forbidden: 'http: 403 (a day close for staff the server does not have in that role)',
  'payload-too-large': 'http: 413',
  'bad-request': 'http: other 4xx',
  'enrollment-code-invalid': 'http: { code: enrollment-code-invalid }',
  'bad-response': 'http/engine: an answer this app does not understand',
  'code-format': 'enroll: the code cannot be a code',
  'storage-full': 'store: QuotaExceededError',
  'invalid-record': 'store: the record fails its schema',
  'counter-closed': 'store: a rating while the window is closed or paused',
  'illegal-transition': 'store: a shift command the shift state refuses',
  'not-enrolled': 'store: a shift command on a tablet with no counter, an opinion on one that is not a lobby tablet',
  'wrong-credentials': 'store/sync: a wrong staff number or PIN',
  locked: 'store: five wrong PINs, sign-in locked',
  closed: 'ui: the staff menu with no teller signed in',
  'teller-only': 'ui: a manager at the counter sign-in',
  'day-close-role': 'ui: a teller or lobby staff at the day close',
  'staff-credentials-invalid': 'http: 401 { code: staff-credentials-invalid }',
  'staff-session-required': 'http: 403 { code: staff-session-required }, or an online act without a live staff session',
  'pin-too-short': 'http: 403 { code: pin-too-short }, or a short manager PIN offline',
  'needs-server': 'sync: a member this tablet has no PIN hash for, with the server out of reach',
  'not-here': 'sync: a member who does not sign in on this kind of tablet',
  'pin-must-change': 'sync: a one-time PIN offline (decision 0021)',
  'needs-verified-session': 'store: an entry read without a live staff session',
  unknown: 'ui: a write that threw',
} as const satisfies Record<Reason, string>;

// Every reason the choose-PIN screen can show as `pinChange.errors.<reason>` (decision 0021).
const PIN_CHANGE_REASONS = {
  'pin-digits': 'a new PIN that is not 4 to 8 digits',
  'pin-manager-digits': "a manager's new PIN under 6 digits",
  'pin-same': 'the one-time PIN again',
  'pin-mismatch': 'the two new PINs differ',
  'wrong-credentials': 'http: 401, the one-time PIN no longer the member\'s',
  locked: 'http: 429',
  'needs-verified-session': 'no live staff session, or http: 403 { code: staff-session-required }',
  'needs-server': 'the server out of reach',
} as const satisfies Record<StaffPinChangeFailure, string>;

/** "a.b.c" for every leaf; plural forms (`_one`, `_other`) are keys of their own. */
function flatten(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) for (const entry of flatten(value, path)) out.set(...entry);
    else out.set(path, value);
  }
  return out;
}

// Each language's texts: the shared bundle and the lobby, day-close, fault, counter survey and staff chunks'.
const flat = Object.fromEntries(
  LANGUAGES.map((lng) => [lng, new Map([...flatten({ ...resources[lng].translation, ...lobbyResources[lng], ...dayCloseResources[lng], ...faultResources[lng], ...surveyCounterResources[lng] }), ...flatten(staffResources[lng])])]),
) as Record<(typeof LANGUAGES)[number], Map<string, unknown>>;
const allKeys = [...new Set(LANGUAGES.flatMap((lng) => [...flat[lng].keys()]))].sort();
const placeholders = (value: unknown) => [...String(value).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('given the four product languages, then i18n bundles exactly those', () => {
    expect(Object.keys(resources).sort()).toEqual([...LANGUAGES].sort());
  });

  it.each([
    ['lobby', lobbyResources],
    ['day-close', dayCloseResources],
    ['faults', faultResources],
    ['survey-counter', surveyCounterResources],
  ] as const)('given the %s chunk, then its top-level keys are its own: merging never hides a shared text', (_, chunk) => {
    for (const lng of LANGUAGES) expect(Object.keys(chunk[lng]).filter((key) => key in resources[lng].translation || (chunk !== lobbyResources && key in lobbyResources[lng]))).toEqual([]);
  });

  it('given the staff chunk, then every text of it is a new leaf: merged deep into the shared bundle, it hides none', () => {
    for (const lng of LANGUAGES) {
      const shared = flatten({ ...resources[lng].translation, ...lobbyResources[lng], ...dayCloseResources[lng], ...faultResources[lng] });
      expect([...flatten(staffResources[lng]).keys()].filter((key) => shared.has(key))).toEqual([]);
    }
  });

  it.each(LANGUAGES)('given %s, then it has every key that any other locale has', (lng) => {
    const missing = allKeys.filter((key) => !flat[lng].has(key));
    expect(missing, `${lng} is missing: ${missing.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then every value is a non-empty string', (lng) => {
    const empty = [...flat[lng]].filter(([, value]) => typeof value !== 'string' || value.trim() === '').map(([key]) => key);
    expect(empty, `${lng} has empty or non-text values: ${empty.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then every value uses the same {{placeholders}} as English', (lng) => {
    const differing = [...flat.en]
      .filter(([key, value]) => flat[lng].has(key) && placeholders(flat[lng].get(key)).join() !== placeholders(value).join())
      .map(([key]) => key);
    expect(differing, `${lng} differs from en in the placeholders of: ${differing.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then every reason a record can be refused for has its quarantine.reason.<reason> text, and so has one this app does not know', (lng) => {
    const missing = [...QUARANTINE_REASONS, 'other'].filter((reason) => !flat[lng].has(`quarantine.reason.${reason}`));
    expect(missing, `${lng} has no quarantine.reason.* text for: ${missing.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then the choose-PIN screen has a pinChange.errors.<reason> text for every reason a PIN change can fail', (lng) => {
    const missing = Object.keys(PIN_CHANGE_REASONS).filter((reason) => !flat[lng].has(`pinChange.errors.${reason}`));
    expect(missing, `${lng} has no pinChange.errors.* text for: ${missing.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then there is an errors.<reason> text for every reason the code can produce', (lng) => {
    const missing = Object.keys(REASONS).filter((reason) => !flat[lng].has(`errors.${reason}`));
    expect(missing, `${lng} has no errors.* text for: ${missing.join(', ')}`).toEqual([]);
  });
});
