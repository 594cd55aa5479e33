import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { i18n as I18n, TFunction } from 'i18next';

const I18nContext = createContext<I18n | null>(null);

/** Hands the screens below it their i18next instance: the tablet's and the dashboard's services each provide theirs. */
export function I18nProvider({ i18n, children }: { i18n: I18n; children: ComponentChildren }) {
  return <I18nContext.Provider value={i18n}>{children}</I18nContext.Provider>;
}

/** `t` for the current language; the component renders again when the language changes. */
export function useT(): { t: TFunction; language: string } {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useT() used outside <I18nProvider>');
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
