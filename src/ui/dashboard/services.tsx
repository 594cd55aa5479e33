import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { i18n as I18n, TFunction } from 'i18next';
import type { DashboardApi } from './api.ts';

/**
 * What the dashboard's screens may use: made once by start.tsx, fresh in every test. The
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
  return <DashboardContext.Provider value={services}>{children}</DashboardContext.Provider>;
}

/** The dashboard's services; a screen rendered outside the provider is a bug. */
export function useDashboard(): DashboardServices {
  const services = useContext(DashboardContext);
  if (!services) throw new Error('useDashboard() used outside <DashboardProvider>');
  return services;
}

/** `t` for the current language; the component renders again when the language changes. */
export function useText(): { t: TFunction; language: string } {
  const { i18n } = useDashboard();
  const [language, setLanguage] = useState(i18n.language);
  useEffect(() => {
    // The language may have changed between the first render and this effect.
    setLanguage(i18n.language);
    const onChange = (next: string) => setLanguage(next);
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [i18n]);
  return { t: i18n.getFixedT(language), language };
}

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
