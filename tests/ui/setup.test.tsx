import { fireEvent, waitFor } from '@testing-library/preact';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../src/domain/language.ts';
import { EnrollResponseSchema, type EnrollResponse } from '../../src/domain/enroll-wire.ts';
import type { ApiError } from '../../src/domain/wire.ts';
import { loadDevice } from '../../src/store/device.ts';
import { getMeta } from '../../src/store/meta.ts';
import { SetupScreen } from '../../src/ui/setup/SetupScreen.tsx';
import { DEFAULT_REASONS } from '../../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../../src/domain/topic.ts';
import { aTeller } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID } from '../builders/rating.ts';
import { engineIdle, renderWithServices, text } from './helpers.tsx';

const VALID_CODE = '4kq7-mz3d';

/** What the server answers to a good code, checked by the very schema the app uses. */
function anEnrollResponse(defaultLanguage: Language, mode: 'counter' | 'lobby' = 'counter'): EnrollResponse {
  return v.parse(EnrollResponseSchema, {
    deviceId: '0190a0b0-0000-7000-8000-00000000abcd',
    token: 'k'.repeat(43),
    mode,
    referencePrefix: 7,
    config: {
      version: 3,
      branch: { id: BRANCH_ID, name: 'Harbour Road', defaultLanguage },
      counter: mode === 'counter' ? { id: COUNTER_ID, name: 'Window 2' } : null,
      counters: [{ id: COUNTER_ID, name: 'Window 2' }],
      ratingCooldownMs: 3000,
      speech: false,
      tellers: [aTeller()],
      reasons: [...DEFAULT_REASONS],
      topics: [...DEFAULT_TOPICS],
    },
  });
}

/** A server that answers /api/enroll with `status` and `body`; anything else finds the network down. */
function enrollServer(status: number, body: unknown) {
  const requests: { path: string; body: unknown }[] = [];
  const fetchFn = vi.fn<typeof fetch>(async (input, init) => {
    const path = new URL(String(input)).pathname;
    requests.push({ path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    if (path !== '/api/enroll') throw new TypeError('fetch failed: network is down');
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return { fetchFn, enrollRequests: () => requests.filter((r) => r.path === '/api/enroll') };
}

function givenSetupScreen(language: Language, fetchFn?: typeof fetch) {
  const onEnrolling = vi.fn();
  const onStarted = vi.fn();
  const rendered = renderWithServices(<SetupScreen onEnrolling={onEnrolling} onStarted={onStarted} />, { language, ...(fetchFn ? { fetch: fetchFn } : {}) });
  const submitCode = (code: string) => {
    fireEvent.input(rendered.getByLabelText(text(language, 'setup.codeLabel')), { target: { value: code } });
    fireEvent.click(rendered.getByRole('button', { name: text(language, 'setup.submit') }));
  };
  return { ...rendered, submitCode, onEnrolling, onStarted };
}

/** Makes `navigator.storage` answer persist() as a browser on HTTPS would; jsdom has none. */
function givenStorageApi(granted: boolean) {
  Object.defineProperty(navigator, 'storage', {
    configurable: true,
    value: { persisted: async () => false, persist: async () => granted, estimate: async () => ({ usage: 0, quota: 1e9 }) },
  });
}
afterEach(() => {
  delete (navigator as { storage?: unknown }).storage;
});

describe('SetupScreen', () => {
  it.each(LANGUAGES.flatMap((language) => ['ABC', '4KQ7-MZ30', '4KQ7-MZ3D-X'].map((code) => ({ language, code }))))(
    'given the $language form, when "$code" is submitted, then the code-format error shows and nothing is sent',
    async ({ language, code }) => {
      const { fetchFn } = enrollServer(500, {});
      const { getByRole, submitCode, services } = givenSetupScreen(language, fetchFn);
      expect(getByRole('alert').textContent).toBe('');

      submitCode(code);

      await waitFor(() => expect(getByRole('alert').textContent).toBe(text(language, 'errors.code-format')));
      expect(getByRole('textbox', { name: text(language, 'setup.codeLabel') }).getAttribute('aria-invalid')).toBe('true');
      expect(getByRole('button', { name: text(language, 'setup.submit') })).toHaveProperty('disabled', false);
      expect(fetchFn).not.toHaveBeenCalled();
      expect(await loadDevice(services.db)).toBeNull();
    },
  );

  it.each(LANGUAGES)(
    'given the %s form and a server that knows the code, when it is submitted, then the device is saved and the screen names the branch, the counter and the storage',
    async (language) => {
      const response = anEnrollResponse(language);
      const server = enrollServer(200, response);
      const { findByRole, getByRole, getByTestId, submitCode, services, onEnrolling, onStarted } = givenSetupScreen(language, server.fetchFn);

      submitCode(VALID_CODE);

      const enrolled = await findByRole('status');
      expect(enrolled.textContent).toBe(text(language, 'setup.enrolled', { branch: 'Harbour Road', counter: 'Window 2' }));
      // jsdom, like an insecure origin, has no navigator.storage.persist().
      expect(getByTestId('persistence').textContent).toBe(text(language, 'setup.persistUnavailable'));
      expect(server.enrollRequests()).toEqual([{ path: '/api/enroll', body: expect.objectContaining({ code: '4KQ7MZ3D', appVersion: 'test' }) }]);
      expect(await loadDevice(services.db)).toEqual({
        identity: { deviceId: response.deviceId, token: response.token, mode: 'counter', referencePrefix: 7, enrolledAt: expect.any(Number) },
        config: response.config,
      });
      expect(await getMeta(services.db, 'persistence')).toEqual({ granted: null, askedAt: expect.any(Number) });
      expect(onEnrolling).toHaveBeenCalledTimes(1);
      expect(onStarted).not.toHaveBeenCalled();

      fireEvent.click(getByRole('button', { name: text(language, 'setup.start') }));
      expect(onStarted).toHaveBeenCalledTimes(1);
      // Enrollment asks for a first sync; with the network down it must fail quietly.
      await waitFor(async () => expect((await getMeta(services.db, 'syncState'))?.lastError?.reason).toBe('unreachable'));
      await engineIdle(services.engine);
    },
  );

  it.each([
    { granted: true, line: 'setup.persistGranted' },
    { granted: false, line: 'setup.persistDenied' },
  ])('given a browser that answers persist() with $granted, when enrolled, then the persistence line says $line', async ({ granted, line }) => {
    givenStorageApi(granted);
    const { findByTestId, submitCode, services } = givenSetupScreen('en', enrollServer(200, anEnrollResponse('en')).fetchFn);
    submitCode(VALID_CODE);
    expect((await findByTestId('persistence')).textContent).toBe(text('en', line));
    expect(await getMeta(services.db, 'persistence')).toEqual({ granted, askedAt: expect.any(Number) });
  });

  it.each(LANGUAGES)('given the %s form and a lobby code, when enrolled, then the screen says the tablet is the opinion box, and the device keeps its reference prefix', async (language) => {
    const { findByRole, submitCode, services } = givenSetupScreen(language, enrollServer(200, anEnrollResponse(language, 'lobby')).fetchFn);
    submitCode(VALID_CODE);
    expect((await findByRole('status')).textContent).toBe(text(language, 'setup.enrolledLobby', { branch: 'Harbour Road' }));
    expect((await loadDevice(services.db))?.identity).toMatchObject({ mode: 'lobby', referencePrefix: 7 });
    await engineIdle(services.engine);
  });

  it('given an English form and a zh-Hant branch, when enrolled, then the result is shown in the branch language', async () => {
    const { findByRole, submitCode, services } = givenSetupScreen('en', enrollServer(200, anEnrollResponse('zh-Hant')).fetchFn);
    submitCode(VALID_CODE);
    expect((await findByRole('status')).textContent).toBe('此平板現為Harbour Road Window 2的評價器。');
    expect(services.i18n.language).toBe('zh-Hant');
  });

  it.each(LANGUAGES)('given the %s form, when the server answers 400 enrollment-code-invalid, then the invalid-code message shows and nothing is saved', async (language) => {
    const refusal: ApiError = { code: 'enrollment-code-invalid', message: 'The code 4KQ7MZ3D is unknown, expired or used.' };
    const server = enrollServer(400, refusal);
    const { getByRole, submitCode, services } = givenSetupScreen(language, server.fetchFn);

    submitCode(VALID_CODE);

    await waitFor(() => expect(getByRole('alert').textContent).toBe(text(language, 'errors.enrollment-code-invalid')));
    expect(getByRole('button', { name: text(language, 'setup.submit') })).toHaveProperty('disabled', false);
    expect(server.enrollRequests()).toHaveLength(1);
    expect(await loadDevice(services.db)).toBeNull();
  });

  it('given no network, when a well-formed code is submitted, then the unreachable message shows and the form can be sent again', async () => {
    const { getByRole, submitCode, services } = givenSetupScreen('es');
    submitCode(VALID_CODE);
    await waitFor(() => expect(getByRole('alert').textContent).toBe(text('es', 'errors.unreachable')));
    expect(getByRole('button', { name: text('es', 'setup.submit') })).toHaveProperty('disabled', false);
    expect(await loadDevice(services.db)).toBeNull();
  });
});
