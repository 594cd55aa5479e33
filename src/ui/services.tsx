import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { i18n as I18n, TFunction } from 'i18next';
import type { BranchVoiceDB } from '../store/db.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { HttpOptions } from '../sync/http.ts';
import type { StaffKeyring } from '../sync/staff-keyring.ts';

/** What every screen may use; made once by main.tsx, fresh in every test. */
export interface Services {
  db: BranchVoiceDB;
  engine: SyncEngine;
  i18n: I18n;
  http: HttpOptions;
  appVersion: string;
  /** The keys of the staff sessions signed in on this page (sync/staff-session.ts). */
  staffKeys: StaffKeyring;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ComponentChildren }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

/** The app's services; a screen rendered outside the provider is a bug. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() used outside <ServicesProvider>');
  return services;
}

/** `t` for the current language; the component renders again when the language changes. */
export function useT(): { t: TFunction; language: string } {
  const { i18n } = useServices();
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
