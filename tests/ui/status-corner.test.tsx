import { act, fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../src/domain/language.ts';
import { loadDevice } from '../../src/store/device.ts';
import { getMeta, setMeta } from '../../src/store/meta.ts';
import { STATUS_HOLD_MS, StatusCorner } from '../../src/ui/components/StatusCorner.tsx';
import { givenOpenCounter, givenRatings } from '../helpers/counter.ts';
import { renderWithServices, text } from './helpers.tsx';

async function givenStatusCorner(language: Language, fetchFn?: typeof fetch) {
  const rendered = renderWithServices(<StatusCorner />, { language, ...(fetchFn ? { fetch: fetchFn } : {}) });
  await givenOpenCounter(rendered.services.db);
  const corner = await rendered.findByRole('complementary', { name: text(language, 'status.label') });
  return { ...rendered, corner };
}

/** Makes the browser say it is offline; jsdom says online. */
function givenOffline() {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
}
afterEach(() => {
  delete (navigator as { onLine?: boolean }).onLine;
});

describe('StatusCorner', () => {
  it('given the mark on a customer screen, then a tap leaves the details folded, a held press opens them, and a key (a click with no press count) opens and folds them', async () => {
    const { getByTestId } = await givenStatusCorner('en');
    const mark = getByTestId('status-corner').querySelector<HTMLButtonElement>('.status-mark')!;
    const expanded = () => mark.getAttribute('aria-expanded');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // A customer's tap: down, up a moment later, a click.
      fireEvent.pointerDown(mark);
      act(() => { vi.advanceTimersByTime(STATUS_HOLD_MS / 4); });
      fireEvent.pointerUp(mark);
      fireEvent.click(mark, { detail: 1 });
      act(() => { vi.advanceTimersByTime(STATUS_HOLD_MS * 2); });
      expect(expanded()).toBe('false');
      expect(getByTestId('status-corner').classList.contains('status-folded')).toBe(true);

      // Staff hold it: open while the finger is still down, and the click as it lifts changes nothing.
      fireEvent.pointerDown(mark);
      act(() => { vi.advanceTimersByTime(STATUS_HOLD_MS); });
      expect(expanded()).toBe('true');
      fireEvent.pointerUp(mark);
      fireEvent.click(mark, { detail: 1 });
      expect(expanded()).toBe('true');
      expect(getByTestId('status-corner').classList.contains('status-folded')).toBe(false);

      // Enter on the focused mark: folds, then opens again.
      act(() => { fireEvent.click(mark, { detail: 0 }); });
      expect(expanded()).toBe('false');
      act(() => { fireEvent.click(mark, { detail: 0 }); });
      expect(expanded()).toBe('true');
    } finally {
      vi.useRealTimers();
    }
  });

  it.each(LANGUAGES)('given %s, when three ratings are recorded, then it shows three unsynced and no error', async (language) => {
    const { getByTestId, queryByTestId, services } = await givenStatusCorner(language);
    expect(getByTestId('unsynced').textContent).toBe(text(language, 'status.unsynced_other', { count: 0 }));

    await givenRatings(services.db, 3, { score: () => 'neutral' });

    await waitFor(() => expect(getByTestId('unsynced').textContent).toBe(text(language, 'status.unsynced_other', { count: 3 })));
    expect(queryByTestId('sync-error')).toBeNull();
    expect(queryByTestId('quarantined')).toBeNull();
  });

  it.each(LANGUAGES.flatMap((language) => [
    { language, network: 'online but no server', offline: false, reason: 'unreachable' },
    { language, network: 'offline', offline: true, reason: 'offline' },
  ]))('given $language and a device $network, when a sync fails, then it shows the $reason error and keeps the ratings', async ({ language, offline, reason }) => {
    if (offline) givenOffline();
    const { getByTestId, findByTestId, getByRole, services } = await givenStatusCorner(language);
    await givenRatings(services.db, 2, { score: () => 'neutral' });

    const outcome = await services.engine.syncNow();

    expect(outcome).toEqual({ ok: false, reason, message: expect.any(String) });
    const error = await findByTestId('sync-error');
    expect(error.textContent).toBe(text(language, `errors.${reason}`));
    expect(error.dataset.reason).toBe(reason);
    // The count follows the database at most every STATUS_EVERY_MS (store/status.ts).
    await waitFor(() => expect(getByTestId('unsynced').textContent).toBe(text(language, 'status.unsynced_other', { count: 2 })));
    expect(getByRole('button', { name: text(language, 'status.syncNow') })).toHaveProperty('disabled', false);
    expect(getByTestId('status-corner').textContent).toContain(text(language, 'status.never'));
  });

  it.each(LANGUAGES)('given %s and two ratings waiting, when the sync state says the device was revoked, then it says how many could not be sent and re-enrolls only on a second tap', async (language) => {
    const { findByTestId, getByRole, queryByRole, services } = await givenStatusCorner(language);
    await givenRatings(services.db, 2);

    // What the engine writes on a 401 { code: 'device-revoked' }.
    await setMeta(services.db, 'syncState', {
      lastAttemptAt: Date.UTC(2026, 10, 23, 10),
      lastSuccessAt: null,
      lastError: { reason: 'device-revoked', message: 'This device was revoked.', at: Date.UTC(2026, 10, 23, 10) },
      stopped: 'device-revoked',
      clockOffsetMs: null,
    });

    const error = await findByTestId('sync-error');
    await waitFor(() => expect(error.textContent).toBe(text(language, 'faults.revoked_other', { count: 2 })));
    expect(queryByRole('button', { name: text(language, 'status.syncNow') })).toBeNull();
    fireEvent.click(getByRole('button', { name: text(language, 'status.reenroll') }));
    // One stray tap on the customer's screen must not take the tablet out of service.
    expect(await loadDevice(services.db)).not.toBeNull();
    fireEvent.click(getByRole('button', { name: text(language, 'status.reenrollConfirm') }));
    await waitFor(async () => expect(await loadDevice(services.db)).toBeNull());
  });

  it('given a stopped device whose last error was cleared, then the corner still says why it stopped', async () => {
    const { findByTestId, services } = await givenStatusCorner('en');
    await setMeta(services.db, 'syncState', { lastAttemptAt: null, lastSuccessAt: null, lastError: null, stopped: 'unauthorized', clockOffsetMs: null });
    expect((await findByTestId('sync-error')).textContent).toBe(text('en', 'errors.unauthorized'));
  });

  it('given a server that answers 401 device-revoked, when the engine syncs, then the corner shows the revoked message and the engine stops', async () => {
    const revoked: typeof fetch = async () =>
      new Response(JSON.stringify({ code: 'device-revoked', message: 'This device was revoked by an administrator.' }), { status: 401, headers: { 'content-type': 'application/json' } });
    const { findByTestId, services } = await givenStatusCorner('es', revoked);

    expect(await services.engine.syncNow()).toEqual({ ok: false, reason: 'device-revoked', message: 'This device was revoked by an administrator.' });

    // Nothing waits on this tablet: the message says only that it was revoked.
    expect((await findByTestId('sync-error')).textContent).toBe(text('es', 'faults.revoked_zero'));
    expect((await getMeta(services.db, 'syncState'))?.stopped).toBe('device-revoked');
    expect(await services.engine.syncNow()).toEqual({ ok: 'skipped', why: 'stopped' });
  });

  it.each(LANGUAGES.flatMap((language) => [
    { language, code: 'token-superseded', key: 'faults.superseded_other' },
    { language, code: 'device-expired', key: 'faults.expired_other' },
  ]))('given $language, two ratings waiting and a server that answers 401 $code, when the engine syncs, then it stops, the corner says why and what stays, and offers to enroll again', async ({ language, code, key }) => {
    const refused: typeof fetch = async () => new Response(JSON.stringify({ code, message: `Refused: ${code}.` }), { status: 401, headers: { 'content-type': 'application/json' } });
    const { findByTestId, getByRole, queryByRole, services } = await givenStatusCorner(language, refused);
    await givenRatings(services.db, 2);

    expect(await services.engine.syncNow()).toEqual({ ok: false, reason: code, message: `Refused: ${code}.` });

    const error = await findByTestId('sync-error');
    await waitFor(() => expect(error.textContent).toBe(text(language, key, { count: 2 })));
    expect(error.dataset.reason).toBe(code);
    expect((await getMeta(services.db, 'syncState'))?.stopped).toBe(code);
    expect(await services.engine.syncNow()).toEqual({ ok: 'skipped', why: 'stopped' });
    expect(queryByRole('button', { name: text(language, 'status.syncNow') })).toBeNull();
    expect(getByRole('button', { name: text(language, 'status.reenroll') })).toHaveProperty('disabled', false);
    expect(await services.db.outbox.count()).toBe(2);
  });
});
