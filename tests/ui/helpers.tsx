import { cleanup, render, type RenderResult } from '@testing-library/preact';
import type { ComponentChild } from 'preact';
import { onTestFinished } from 'vitest';
import type { Language } from '../../src/domain/language.ts';
import en from '../../src/locales/en.json';
import es from '../../src/locales/es.json';
import zhHans from '../../src/locales/zh-Hans.json';
import zhHant from '../../src/locales/zh-Hant.json';
import { dayCloseResources } from '../../src/ui/components/day-close-locales.ts';
import { faultResources } from '../../src/ui/components/fault-locales.ts';
import { lobbyResources } from '../../src/ui/lobby/locales.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { clearEnrollmentMarker } from '../../src/store/enrollment-marker.ts';
import { staffResources } from '../../src/ui/components/staff-locales.ts';
import { surveyCounterResources } from '../../src/ui/counter/survey-counter-locales.ts';
import { StaffKeyring } from '../../src/sync/staff-keyring.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { createI18n } from '../../src/ui/i18n.ts';
import { ServicesProvider, type Services } from '../../src/ui/services.tsx';

/** Port 9 (discard) on loopback: nothing answers there, and the default fetch never tries. */
export const TEST_BASE_URL = 'http://127.0.0.1:9';

/** The network is down: the app is offline-first, so every screen must work with this. */
export const networkDown: typeof fetch = () => Promise.reject(new TypeError('fetch failed: network is down'));

export interface RenderWithServicesOptions {
  language?: Language;
  db?: BranchVoiceDB;
  fetch?: typeof fetch;
  /** What main.tsx read before the first render, if the test plays a start of the app. */
  firstReading?: Services['firstReading'];
}

export type RenderWithServicesResult = RenderResult & { services: Services };

/**
 * Renders `ui` inside real services, as main.tsx makes them: a fresh Dexie database on
 * fake-indexeddb, a fresh i18next, and a real SyncEngine whose fetch is the network (down
 * unless a test passes its own). The engine is not started: tests sync with `syncNow()`,
 * so nothing runs behind their back. Everything is torn down when the test finishes.
 */
export function renderWithServices(ui: ComponentChild, options: RenderWithServicesOptions = {}): RenderWithServicesResult {
  const db = options.db ?? createDatabase(uniqueDbName());
  const http = { baseUrl: TEST_BASE_URL, fetch: options.fetch ?? networkDown };
  const appVersion = 'test';
  const staffKeys = new StaffKeyring();
  const engine = new SyncEngine({ db, http, appVersion, locks: null, resign: staffKeys.resign });
  const i18n = createI18n(options.language ?? 'en');
  const services: Services = { db, engine, i18n, http, appVersion, staffKeys, ...(options.firstReading ? { firstReading: options.firstReading } : {}) };

  onTestFinished(async () => {
    // Unmount first, so no screen asks for a sync or follows a live query while the
    // database goes away; then let a run under way finish before deleting its database.
    cleanup();
    engine.stop();
    await engineIdle(engine);
    await db.delete();
    // The note outside IndexedDB that the browser was enrolled: jsdom keeps localStorage
    // for the whole file, and the next test's tablet is a new one.
    clearEnrollmentMarker();
  });

  const utils = render(<ServicesProvider services={services}>{ui}</ServicesProvider>);
  return { ...utils, services };
}

/** A database name no other test uses, so tests never see each other's rows. */
export const uniqueDbName = (): string => `test-ui-${crypto.randomUUID()}`;

/** Resolves once the engine has no sync under way. */
export function engineIdle(engine: SyncEngine): Promise<void> {
  return new Promise((resolve) => {
    let off: (() => void) | null = null;
    let idle = false;
    // subscribe() calls the listener at once, before it has returned `off`.
    off = engine.subscribe(({ syncing }) => {
      if (syncing || idle) return;
      idle = true;
      off?.();
      resolve();
    });
    if (idle) off();
  });
}

export { anEnrolledDevice } from '../builders/device.ts';

/** `extra`'s leaves added to `base`, deep: the staff chunk adds texts under the shared `errors`. */
function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const mine = out[key];
    out[key] = value && typeof value === 'object' && mine && typeof mine === 'object' ? deepMerge(mine as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

// The shared texts and the lobby, day-close, fault, counter survey and staff chunks' own (the first four's
// top-level keys do not overlap the shared ones; the staff chunk's leaves are new).
const LOCALES = {
  'zh-Hans': deepMerge({ ...zhHans, ...lobbyResources['zh-Hans'], ...dayCloseResources['zh-Hans'], ...faultResources['zh-Hans'], ...surveyCounterResources['zh-Hans'] }, staffResources['zh-Hans']),
  'zh-Hant': deepMerge({ ...zhHant, ...lobbyResources['zh-Hant'], ...dayCloseResources['zh-Hant'], ...faultResources['zh-Hant'], ...surveyCounterResources['zh-Hant'] }, staffResources['zh-Hant']),
  en: deepMerge({ ...en, ...lobbyResources.en, ...dayCloseResources.en, ...faultResources.en, ...surveyCounterResources.en }, staffResources.en),
  es: deepMerge({ ...es, ...lobbyResources.es, ...dayCloseResources.es, ...faultResources.es, ...surveyCounterResources.es }, staffResources.es),
} as const;

/**
 * The text a screen should show for `key` in `language`, read straight from the locale file
 * (not through i18next, so a wrong language or a missing key in the app shows as a failure).
 * `{{name}}` placeholders are filled from `values`.
 */
export function text(language: Language, key: string, values: Record<string, string | number> = {}): string {
  let node: unknown = LOCALES[language];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') throw new Error(`no text for ${key} in ${language}`);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {{${name}}} in ${language} ${key}`);
    return String(values[name]);
  });
}
