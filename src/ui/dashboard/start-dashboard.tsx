import { render } from 'preact';
import { isLanguage, type Language } from '../../domain/language.ts';
import { browserLanguage, createI18n } from '../i18n.ts';
import { createDashboardApi } from './api.ts';
import { Dashboard } from './Dashboard.tsx';
import { addDashboardLocales } from './locales.ts';
import { DashboardProvider, downloadFile, type DashboardServices } from './services.tsx';
import './dashboard.css';

/**
 * Starts the dashboard on a page under /dashboard (main.tsx hands over before making any
 * tablet service): the viewer's browser language, the API on this origin, the real clock.
 */
export function startDashboard(root: HTMLElement): void {
  const i18n = createI18n(savedLanguage() ?? browserLanguage());
  addDashboardLocales(i18n);
  const setLang = (lng: string) => document.documentElement.setAttribute('lang', lng);
  setLang(i18n.language);
  i18n.on('languageChanged', (lng) => {
    setLang(lng);
    saveLanguage(lng);
  });
  // The tablets' stylesheet sizes text for arm's length; the dashboard's is read at a desk.
  document.documentElement.classList.add('bv-dashboard');

  const services: DashboardServices = {
    api: createDashboardApi({ baseUrl: location.origin }),
    i18n,
    now: Date.now,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    saveFile: downloadFile,
    print: () => window.print(),
  };
  render(
    <DashboardProvider services={services}>
      <Dashboard />
    </DashboardProvider>,
    root,
  );
}

// The dashboard is one person's desk, not a shared kiosk: the language they chose is kept
// for their next visit (a tablet, by contrast, returns to the branch's language after each
// customer). Storage may be refused (private windows): then the browser's language serves.
const LANGUAGE_KEY = 'bv-dashboard-language';

function savedLanguage(): Language | null {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    return saved && isLanguage(saved) ? saved : null;
  } catch {
    return null;
  }
}

function saveLanguage(language: string): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // Not kept: the next visit starts in the browser's language, which is no harm.
  }
}
