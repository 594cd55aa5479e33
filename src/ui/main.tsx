import { render } from 'preact';
import { isLanguage } from '../domain/language.ts';
import { createDatabase } from '../store/db.ts';
import { getMeta } from '../store/meta.ts';
import { SyncEngine } from '../sync/engine.ts';
import { StaffKeyring } from '../sync/staff-keyring.ts';
import { App } from './App.tsx';
import { browserLanguage, createI18n } from './i18n.ts';
import { ServicesProvider } from './services.tsx';
import { registerServiceWorker } from './sw-bridge.ts';
import './styles.css';

async function main() {
  // The dashboard is a desktop page in a chunk of its own, online only: no tablet
  // database, sync engine or service worker, and a counter tablet never downloads it.
  if (/^\/dashboard(\/|$)/.test(location.pathname)) {
    const { startDashboard } = await import('./dashboard/start-dashboard.tsx');
    return startDashboard(document.getElementById('app')!);
  }
  const db = createDatabase();
  const config = await getMeta(db, 'config');
  const stored = config?.branch.defaultLanguage;
  const i18n = createI18n(stored && isLanguage(stored) ? stored : browserLanguage());
  const setLang = (lng: string) => document.documentElement.setAttribute('lang', lng);
  setLang(i18n.language);
  i18n.on('languageChanged', setLang);

  const http = { baseUrl: location.origin };
  const appVersion = __APP_VERSION__;
  const staffKeys = new StaffKeyring();
  const engine = new SyncEngine({ db, http, appVersion, resign: staffKeys.resign });
  engine.start();

  render(
    <ServicesProvider services={{ db, engine, i18n, http, appVersion, staffKeys }}>
      <App />
    </ServicesProvider>,
    document.getElementById('app')!,
  );
  registerServiceWorker();
}

void main();
