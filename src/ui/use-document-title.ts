import { useEffect } from 'preact/hooks';
import { useT } from './use-t.tsx';

/**
 * The page's title and language follow the screen's language: a screen reader announces the
 * title in it, and the browser picks fonts and hyphenation by `lang`.
 */
export function useDocumentTitle(key: string): void {
  const { t, language } = useT();
  useEffect(() => {
    document.title = t(key);
    document.documentElement.lang = language;
  }, [key, language]);
}
