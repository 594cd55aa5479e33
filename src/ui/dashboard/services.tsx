import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { i18n as I18n } from 'i18next';
import { I18nProvider } from '../use-t.tsx';
import type { DashboardApi } from './api.ts';

/**
 * What the dashboard's screens may use: made once by start-dashboard.tsx, fresh in every test. The
 * tablet's services (Dexie, the sync engine) are not here: the dashboard is online only and
 * keeps nothing in the browser.
 */
export interface DashboardServices {
  api: DashboardApi;
  i18n: I18n;
  /** The clock: "today" of a period and "5 minutes ago" of a device; tests pin it. */
  now: () => number;
  /** The zone of "today" when every branch is shown at once: the viewer's own. */
  timeZone: string;
  /** Hands a file to the user (a CSV export): a download in the browser. */
  saveFile: (name: string, content: Blob) => void;
  /** Opens the browser's print dialog (the day report). */
  print: () => void;
}

const DashboardContext = createContext<DashboardServices | null>(null);

export function DashboardProvider({ services, children }: { services: DashboardServices; children: ComponentChildren }) {
  return (
    <DashboardContext.Provider value={services}>
      <I18nProvider i18n={services.i18n}>{children}</I18nProvider>
    </DashboardContext.Provider>
  );
}

/** The dashboard's services; a screen rendered outside the provider is a bug. */
export function useDashboard(): DashboardServices {
  const services = useContext(DashboardContext);
  if (!services) throw new Error('useDashboard() used outside <DashboardProvider>');
  return services;
}

/** Screens take `t` with their services; the tablet's are the same hook (use-t.tsx). */
export { useT } from '../use-t.tsx';

/** Saves a file through a temporary link: the way a page starts a download without a server round trip. */
export function downloadFile(name: string, content: Blob): void {
  const url = URL.createObjectURL(content);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: some browsers start reading the blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
