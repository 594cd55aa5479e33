import { useEffect, useState } from 'preact/hooks';
// A type only: erased from the build, so the day close stays out of the counter's first chunk.
import type { DayCloseFlow } from './DayCloseFlow.tsx';

type DayCloseModule = { DayCloseFlow: typeof DayCloseFlow };

/**
 * The day close, loaded when staff choose it: a counter tablet needs it once a day at most,
 * and its first JavaScript has a budget (docs/architecture.md, "Adding a screen"). The service worker
 * precaches the chunk, so it loads offline too, and then says the tablet could not sync.
 */
export function LazyDayCloseFlow(props: { onCancel: () => void; onDone: () => void }) {
  const [module, setModule] = useState<DayCloseModule | null>(null);
  useEffect(() => {
    let current = true;
    void import('./DayCloseFlow.tsx').then((loaded) => current && setModule(() => loaded));
    return () => {
      current = false;
    };
  }, []);
  return module ? <module.DayCloseFlow {...props} /> : <section class="panel day-close-sign-in" aria-busy="true" />;
}
