import { render } from 'preact';
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
  const i18n = createI18n(browserLanguage());
  addDashboardLocales(i18n);
  const setLang = (lng: string) => document.documentElement.setAttribute('lang', lng);
  setLang(i18n.language);
  i18n.on('languageChanged', setLang);
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
