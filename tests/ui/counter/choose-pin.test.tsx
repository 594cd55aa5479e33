import { fireEvent, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/domain/language.ts';
import { STAFF_SESSION_MS, type StaffSessionGrant } from '../../../src/domain/staff-session.ts';
import { createDatabase } from '../../../src/store/db.ts';
import { saveEnrollment } from '../../../src/store/device.ts';
import { getMeta } from '../../../src/store/meta.ts';
import type { StaffSession } from '../../../src/sync/staff-session.ts';
import { SignInView } from '../../../src/ui/counter/SignInView.tsx';
import { aTeller, TELLER_PIN } from '../../builders/device.ts';
import { TELLER_ID } from '../../builders/rating.ts';
import { anEnrolledDevice, renderWithServices, text, uniqueDbName } from '../helpers.tsx';

const OWN_PIN = '8642';
const SESSION_KEY = 'k'.repeat(43);

type PinCall = { body: unknown; staffSession: string | null };

/**
 * The server as far as a one-time PIN goes (decision 0021): sign-in answers a session that
 * says the PIN is one-time; POST /api/staff-session/pin answers `pinAnswer` (204 unless
 * given). Every other request finds the network down.
 */
function aOneTimePinServer(pinAnswer: () => Response | Promise<Response> = () => new Response(null, { status: 204 })) {
  const pinCalls: PinCall[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
    if (path === '/api/staff-session' && init?.method === 'POST') {
      const grant: StaffSessionGrant = {
        sessionId: '0190a0b0-0000-7000-8000-0000000000e1',
        key: SESSION_KEY,
        expiresAt: Date.now() + STAFF_SESSION_MS,
        expiresInMs: STAFF_SESSION_MS,
        staff: { id: TELLER_ID, staffNumber: '1001', name: 'Li Mei', role: 'teller' },
        pinMustChange: true,
      };
      return Response.json(grant);
    }
    if (path === '/api/staff-session/pin') {
      pinCalls.push({ body: JSON.parse(String(init?.body)), staffSession: new Headers(init?.headers).get('x-staff-session') });
      return pinAnswer();
    }
    if (path === '/api/staff-session') return new Response(null, { status: 204 });
    throw new TypeError('fetch failed: network is down');
  };
  return { fetch: fetchFn, pinCalls };
}

/** The counter's sign-in on its own, on an enrolled tablet whose roster says Li Mei's PIN is one-time. */
async function givenSignIn(language: Language, server = aOneTimePinServer()) {
  const device = anEnrolledDevice({ branch: { defaultLanguage: language }, config: { tellers: [aTeller({ pinMustChange: true })] } });
  const db = createDatabase(uniqueDbName());
  await saveEnrollment(db, device);
  const signedIn: StaffSession[] = [];
  let cancelled = 0;
  const rendered = renderWithServices(<SignInView onCancel={() => cancelled++} onSignedIn={(session) => signedIn.push(session)} />, { language, db, fetch: server.fetch });
  const signIn = async (pin = TELLER_PIN) => {
    fireEvent.input(await rendered.findByLabelText(text(language, 'signIn.staffNumber')), { target: { value: '1001' } });
    fireEvent.input(rendered.getByLabelText(text(language, 'signIn.pin')), { target: { value: pin } });
    fireEvent.click(rendered.getByRole('button', { name: text(language, 'signIn.submit') }));
  };
  const choose = (pin: string, again = pin) => {
    fireEvent.input(rendered.getByLabelText(text(language, 'pinChange.newPin')), { target: { value: pin } });
    fireEvent.input(rendered.getByLabelText(text(language, 'pinChange.repeat')), { target: { value: again } });
    fireEvent.click(rendered.getByRole('button', { name: text(language, 'pinChange.submit') }));
  };
  return { ...rendered, server, signedIn, cancelled: () => cancelled, signIn, choose };
}

describe('the choose-PIN screen at the counter', () => {
  it.each(LANGUAGES)('given a one-time PIN in %s, when the teller signs in online, then the window stays closed and the screen asks for their own PIN twice, with the focus on the first, then opens the window with it', async (language) => {
    const { findByRole, getByLabelText, choose, signIn, signedIn, server, services } = await givenSignIn(language);

    await signIn();

    const heading = await findByRole('heading', { level: 1, name: text(language, 'pinChange.title') });
    const first = getByLabelText(text(language, 'pinChange.newPin')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(first));
    expect(first).toMatchObject({ type: 'password', inputMode: 'numeric', autocomplete: 'new-password', maxLength: 8 });
    // The hint says why and the rules, and is what a screen reader reads with the field.
    const hint = document.getElementById(first.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).toBe(`${text(language, 'pinChange.why', { name: 'Li Mei' })} ${text(language, 'pinChange.rules_short')}`);
    expect(heading.closest('section')!.getAttribute('aria-labelledby')).toBe(heading.id);
    expect(signedIn).toEqual([]);
    expect(await services.db.shiftEvents.count()).toBe(0);

    choose(OWN_PIN);

    await waitFor(() => expect(signedIn).toHaveLength(1));
    expect(signedIn[0]).toMatchObject({ staff: { staffNumber: '1001' }, pinMustChange: false });
    expect(server.pinCalls).toEqual([{ body: { currentPin: TELLER_PIN, newPin: OWN_PIN }, staffSession: `0190a0b0-0000-7000-8000-0000000000e1.${SESSION_KEY}` }]);
    await waitFor(async () => expect(await services.db.shiftEvents.toArray()).toEqual([expect.objectContaining({ type: 'signed-in', tellerId: TELLER_ID })]));
  });

  it.each(LANGUAGES.flatMap((language) => [
    { language, pin: OWN_PIN, again: '8643', reason: 'pin-mismatch' },
    { language, pin: TELLER_PIN, again: TELLER_PIN, reason: 'pin-same' },
    { language, pin: '12', again: '12', reason: 'pin-digits' },
    { language, pin: '12ab', again: '12ab', reason: 'pin-digits' },
  ]))('given the $language screen, when the new PIN breaks a rule ($reason), then it says so, sends nothing and keeps the teller there', async ({ language, pin, again, reason }) => {
    const { findByRole, getByRole, getByLabelText, choose, signIn, signedIn, server } = await givenSignIn(language);
    await signIn();
    await findByRole('heading', { level: 1, name: text(language, 'pinChange.title') });

    choose(pin, again);

    await waitFor(() => expect(getByRole('alert').textContent).toBe(text(language, `pinChange.errors.${reason}`)));
    expect(server.pinCalls).toEqual([]);
    expect(signedIn).toEqual([]);
    expect((getByLabelText(text(language, 'pinChange.newPin')) as HTMLInputElement).value).toBe('');
    expect(getByLabelText(text(language, 'pinChange.newPin')).getAttribute('aria-invalid')).toBe('true');
  });

  it.each([
    { answer: () => Response.json({ code: 'staff-credentials-invalid', message: 'currentPin: is not the PIN of the member of staff signed in.' }, { status: 401 }), reason: 'wrong-credentials' },
    { answer: () => Promise.reject(new TypeError('fetch failed: network is down')), reason: 'needs-server' },
    { answer: () => Response.json({ code: 'staff-session-required', message: 'no session' }, { status: 403 }), reason: 'needs-verified-session' },
  ])('given the server answers the change with $reason, then the screen says so in words and the window stays closed', async ({ answer, reason }) => {
    const { findByRole, getByRole, choose, signIn, signedIn, services } = await givenSignIn('en', aOneTimePinServer(answer as () => Promise<Response>));
    await signIn();
    await findByRole('heading', { level: 1, name: text('en', 'pinChange.title') });

    choose(OWN_PIN);

    await waitFor(() => expect(getByRole('alert').textContent).toBe(text('en', `pinChange.errors.${reason}`)));
    expect(signedIn).toEqual([]);
    expect(await services.db.shiftEvents.count()).toBe(0);
    if (reason === 'wrong-credentials') expect((await getMeta(services.db, 'pinAttempts'))?.at(-1)).toEqual({ at: expect.any(Number), ok: false });
  });

  it('given Sign out on the screen, then the teller is back at the sign-in form and nothing was sent', async () => {
    const { findByRole, getByRole, signIn, signedIn, server } = await givenSignIn('en');
    await signIn();
    await findByRole('heading', { level: 1, name: text('en', 'pinChange.title') });

    fireEvent.click(getByRole('button', { name: text('en', 'pinChange.cancel') }));

    await findByRole('heading', { level: 1, name: text('en', 'signIn.title') });
    expect(server.pinCalls).toEqual([]);
    expect(signedIn).toEqual([]);
  });

  it.each(LANGUAGES)('given a one-time PIN in %s and no network, when the teller signs in, then the tablet keeps them out and says the PIN must be changed online first', async (language) => {
    const down: typeof fetch = () => Promise.reject(new TypeError('fetch failed: network is down'));
    const { findByRole, getByRole, signIn, signedIn, services, queryByRole } = await givenSignIn(language, { fetch: down, pinCalls: [] });

    await signIn();

    await waitFor(() => expect(getByRole('alert').textContent).toBe(text(language, 'errors.pin-must-change')));
    expect(queryByRole('heading', { name: text(language, 'pinChange.title') })).toBeNull();
    await findByRole('heading', { level: 1, name: text(language, 'signIn.title') });
    expect(signedIn).toEqual([]);
    expect(await services.db.shiftEvents.count()).toBe(0);
  });
});
