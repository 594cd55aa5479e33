import { render } from 'preact';
import { isLanguage } from '../domain/language.ts';
import { createDatabase } from '../store/db.ts';
import { deviceFrom, loadDevice } from '../store/device.ts';
import { loadShift, shiftFrom } from '../store/shift.ts';
import { SyncEngine } from '../sync/engine.ts';
import { StaffKeyring } from '../sync/staff-keyring.ts';
import { App } from './App.tsx';
import { browserLanguage, createI18n } from './i18n.ts';
import { ServicesProvider } from './services.tsx';
import './styles.css';

async function main() {
  // The dashboard is a desktop page in a chunk of its own, online only: no tablet
  // database, sync engine or service worker, and a counter tablet never downloads it.
  if (/^\/dashboard(\/|$)/.test(location.pathname)) {
    const { startDashboard } = await import('./dashboard/start-dashboard.tsx');
    return startDashboard(document.getElementById('app')!);
  }
  // The fragment the page was opened with (an enrollment link's code, domain/enrollment-link.ts):
  // taken out of the address at once, so that it is neither kept in the history nor used again
  // by a reload; the setup screen reads it.
  const fragment = location.hash;
  if (fragment) history.replaceState(history.state, '', location.pathname + location.search);
  const db = createDatabase();
  // What the first screen shows, read by first-reading.ts while this module was loading, or
  // now through Dexie if that reading failed: either way the first frame of an enrolled
  // counter has its faces.
  const early = await (globalThis.branchvoiceFirstReading ?? Promise.resolve(null)).catch(() => null);
  const [device, shift] = early ? [deviceFrom(early.device, early.config), shiftFrom(early.shift)] : await Promise.all([loadDevice(db), loadShift(db)]);
  const stored = device?.config.branch.defaultLanguage;
  const i18n = createI18n(stored && isLanguage(stored) ? stored : browserLanguage());
  const setLang = (lng: string) => document.documentElement.setAttribute('lang', lng);
  setLang(i18n.language);
  i18n.on('languageChanged', setLang);

  const http = { baseUrl: location.origin };
  const appVersion = __APP_VERSION__;
  const staffKeys = new StaffKeyring();
  const engine = new SyncEngine({ db, http, appVersion, resign: staffKeys.resign });

  render(
    <ServicesProvider services={{ db, engine, i18n, http, appVersion, staffKeys, firstReading: { device, shift }, fragment }}>
      <App />
    </ServicesProvider>,
    document.getElementById('app')!,
  );
  // After the first screen is up: the first sync's reads queue behind the screen's, not before.
  setTimeout(() => engine.start(), 0);
  // The service worker's bridge too: the page already runs, from the worker's cache or not.
  void import('./sw-bridge.ts').then(({ registerServiceWorker }) => registerServiceWorker());
}

void main();
