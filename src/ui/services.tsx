import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { i18n as I18n } from 'i18next';
import type { Shift } from '../domain/shift.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import type { EnrolledDevice } from '../store/device.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { HttpOptions } from '../sync/http.ts';
import type { StaffKeyring } from '../sync/staff-keyring.ts';
import { I18nProvider } from './use-t.tsx';

/** What every screen may use; made once by main.tsx, fresh in every test. */
export interface Services {
  db: BranchVoiceDB;
  engine: SyncEngine;
  i18n: I18n;
  http: HttpOptions;
  appVersion: string;
  /** The keys of the staff sessions signed in on this page (sync/staff-session.ts). */
  staffKeys: StaffKeyring;
  /**
   * What the first screen shows, read before the first render, so that a counter's faces are
   * on the first frame instead of after a live query per level of screens. Live queries take
   * over at once.
   */
  firstReading?: { device: EnrolledDevice | null; shift: Shift };
  /** The fragment of the address the page was opened with: an enrollment link's code for the setup screen (domain/enrollment-link.ts). */
  fragment?: string;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ComponentChildren }) {
  return (
    <ServicesContext.Provider value={services}>
      <I18nProvider i18n={services.i18n}>{children}</I18nProvider>
    </ServicesContext.Provider>
  );
}

/** The app's services; a screen rendered outside the provider is a bug. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() used outside <ServicesProvider>');
  return services;
}

/** Screens take `t` with their services; the dashboard's are the same hook (use-t.tsx). */
export { useT } from './use-t.tsx';
