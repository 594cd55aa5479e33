import { useEffect, useState } from 'preact/hooks';
import { useServices } from '../services.tsx';

/**
 * Loads the fault texts (fault-locales.ts) once `wanted`, and says when they are there: a
 * screen renders its fault message from then on, a moment after the fault, never a raw key.
 */
export function useFaultTexts(wanted = true): boolean {
  const { i18n } = useServices();
  const [ready, setReady] = useState(() => i18n.exists('faults.storageFull'));
  useEffect(() => {
    if (!wanted || ready) return;
    let current = true;
    void import('./fault-locales.ts').then(({ addFaultLocales }) => {
      addFaultLocales(i18n);
      if (current) setReady(true);
    });
    return () => {
      current = false;
    };
  }, [wanted, ready, i18n]);
  return ready;
}
