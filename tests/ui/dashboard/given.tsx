import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { expect, onTestFinished } from 'vitest';
import type { Language } from '../../../src/domain/language.ts';
import type { TestDatabase } from '../../helpers/db.ts';
import en from '../../../src/locales/en.json';
import es from '../../../src/locales/es.json';
import zhHans from '../../../src/locales/zh-Hans.json';
import zhHant from '../../../src/locales/zh-Hant.json';
import { createDashboardApi } from '../../../src/ui/dashboard/api.ts';
import { Dashboard } from '../../../src/ui/dashboard/Dashboard.tsx';
import { addDashboardLocales, dashboardResources } from '../../../src/ui/dashboard/locales.ts';
import { DashboardProvider, type DashboardServices } from '../../../src/ui/dashboard/services.tsx';
import { createI18n } from '../../../src/ui/i18n.ts';
import { SERVER_NOW, startTestServer, type TestServer } from '../../server/fixtures.ts';
import { fetchEvents } from './event-source.ts';
import { PASSWORD } from '../../server/dashboard.ts';

export { PASSWORD };

/**
 * The dashboard against the REAL server: the app built in-process on a test database,
 * listening on loopback, with records seeded through the ingest path as tablets push them
 * (never a mock of our own code). jsdom's fetch keeps no cookies, so the API client gets
 * Node's fetch wrapped in a small cookie jar: the session cookie travels as in a browser.
 */
export async function startDashboardServer(database: TestDatabase): Promise<TestServer> {
  return startTestServer({ db: database.db });
}

/** Node's fetch with a cookie jar of one origin: Set-Cookie is kept, sent back, and cleared when the server expires it. */
export function cookieJarFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    // jsdom's AbortSignal is not Node's: undici refuses it, and the test server answers at once.
    const { signal: _, ...rest } = init;
    const response = await fetch(input, { ...rest, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (expired || pair.slice(at + 1) === '') jar.delete(name);
      else jar.set(name, pair.slice(at + 1));
    }
    return response;
  };
}

export interface DashboardOptions {
  language?: Language;
  /** The address the browser opens: `/dashboard/fleet?branch=…`. */
  path?: string;
  /**
   * The live alerts' stream (server-sent events), which jsdom cannot open: given an
   * EventSource over the page's own fetch (event-source.ts). Off by default, so the other
   * pages' tests hold no stream open.
   */
  live?: boolean;
}

/** What the dashboard handed to the user: CSV downloads and print requests. */
export interface Handed {
  files: { name: string; content: Blob }[];
  prints: number;
}

/**
 * The dashboard rendered on real services talking to `server`, at `path`, driven with the
 * keyboard as a manager without a mouse would: Tab to a control, Enter or Space to press it.
 * The clock is the server's (SERVER_NOW), so "today" is the day the seeded records were made.
 */
export async function givenDashboard(server: TestServer, { language = 'en', path = '/dashboard', live = false }: DashboardOptions = {}) {
  history.replaceState(null, '', path);
  const i18n = createI18n(language);
  addDashboardLocales(i18n);
  const handed: Handed = { files: [], prints: 0 };
  const services: DashboardServices = {
    api: (() => {
      const jarFetch = cookieJarFetch();
      return createDashboardApi({ baseUrl: server.baseUrl, fetch: jarFetch, events: live ? fetchEvents(server.baseUrl, jarFetch) : null });
    })(),
    i18n,
    now: () => SERVER_NOW,
    timeZone: 'UTC',
    saveFile: (name, content) => handed.files.push({ name, content }),
    print: () => {
      handed.prints++;
    },
  };
  const rendered = render(
    <DashboardProvider services={services}>
      <Dashboard />
    </DashboardProvider>,
  );
  onTestFinished(() => {
    cleanup();
    document.title = '';
  });
  const user = userEvent.setup();
  const current = () => i18n.language as Language;
  const t = (key: string, values?: Record<string, string | number>) => text(current(), key, values);

  /** Tabs until `target` has the focus (at most 150 presses), or fails: proof it is reachable by keyboard. */
  async function tabToElement(target: HTMLElement, what: string): Promise<HTMLElement> {
    for (let i = 0; i < 150 && document.activeElement !== target; i++) await user.tab();
    expect(document.activeElement, `the keyboard never reached ${what}`).toBe(target);
    return target;
  }
  const tabTo = (role: 'button' | 'link' | 'checkbox' | 'combobox' | 'columnheader', name: string | RegExp) => tabToElement(screen.getByRole(role, { name }), `${role} ${String(name)}`);
  /** Tabs to a button (or link) and presses Enter. */
  async function press(name: string | RegExp, role: 'button' | 'link' = 'button') {
    await tabTo(role, name);
    await user.keyboard('{Enter}');
  }
  /** Tabs to a field by its label and types into it. */
  async function type(label: string, value: string) {
    const field = await tabToElement(screen.getByLabelText(label, { selector: 'input' }), `the field ${label}`);
    await user.clear(field);
    if (value) await user.keyboard(value.replace(/[{[]/g, (c) => c + c));
  }
  /** Tabs to a select by its label and picks an option by its text, with the keyboard. */
  async function choose(label: string, option: string) {
    const select = await tabToElement(screen.getByLabelText(label, { selector: 'select' }), `the select ${label}`);
    await user.selectOptions(select, screen.getByRole('option', { name: option }));
  }
  /** Signs in through the form, and waits for the reports' navigation. */
  async function signIn(staffNumber: string, password = PASSWORD) {
    await screen.findByRole('heading', { level: 1, name: t('dashboard.signIn.title') });
    await type(t('dashboard.signIn.staffNumber'), staffNumber);
    await type(t('dashboard.signIn.password'), password);
    await press(t('dashboard.signIn.submit'));
  }
  /** Waits for a page's heading. */
  const page = (key: string) => screen.findByRole('heading', { level: 1, name: t(key) });
  /** The text of what was downloaded last, without its BOM. */
  async function lastFile(): Promise<{ name: string; text: string; bom: boolean }> {
    await waitFor(() => expect(handed.files.length).toBeGreaterThan(0));
    const file = handed.files.at(-1)!;
    const raw = new TextDecoder().decode(await file.content.arrayBuffer());
    const bytes = new Uint8Array(await file.content.arrayBuffer());
    return { name: file.name, text: raw.replace(/^\uFEFF/, ''), bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf };
  }

  return { ...rendered, services, handed, user, current, t, tabTo, tabToElement, press, type, choose, signIn, page, lastFile };
}

// The shared texts and the dashboard chunk's own (their top-level keys do not overlap).
const LOCALES = {
  'zh-Hans': { ...zhHans, ...dashboardResources['zh-Hans'] },
  'zh-Hant': { ...zhHant, ...dashboardResources['zh-Hant'] },
  en: { ...en, ...dashboardResources.en },
  es: { ...es, ...dashboardResources.es },
} as const;

/**
 * The text the dashboard should show for `key` in `language`, read straight from the locale
 * files (not through i18next, so a wrong language or a missing key shows as a failure).
 * `{{name}}` placeholders are filled from `values`; plural keys are named in full (`_other`).
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
