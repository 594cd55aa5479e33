import { useEffect, useRef, useState } from 'preact/hooks';
import { useDashboard } from './services.tsx';

/** The names a report's ids stand for: counters and tellers, by id, across the branches read so far. */
export interface BranchNames {
  counters: ReadonlyMap<string, string>;
  tellers: ReadonlyMap<string, { name: string; staffNumber: string }>;
}

/**
 * Reads the counters (the branch's setup) and the roster of each branch named, once each, for
 * reports that answer ids (the waiting time by counter, the flagged ratings). Until a branch's
 * names come, its ids are shown as the page's fallback; a refusal leaves them so, and the next
 * list of branches asks again.
 */
export function useBranchNames(branchIds: readonly string[]): BranchNames {
  const { api } = useDashboard();
  const [names, setNames] = useState<BranchNames>(() => ({ counters: new Map(), tellers: new Map() }));
  const asked = useRef(new Set<string>());
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const key = [...new Set(branchIds)].sort().join(',');
  useEffect(() => {
    for (const branchId of key.split(',').filter(Boolean)) {
      if (asked.current.has(branchId)) continue;
      asked.current.add(branchId);
      void Promise.all([api.setup(branchId), api.staff(branchId)]).then(([setup, staff]) => {
        if (!mounted.current) return;
        if (!setup.ok || !staff.ok) asked.current.delete(branchId);
        setNames((current) => {
          const counters = new Map(current.counters);
          const tellers = new Map(current.tellers);
          if (setup.ok) for (const counter of setup.value.counters) counters.set(counter.id, counter.name);
          if (staff.ok) for (const member of staff.value.staff) tellers.set(member.id, { name: member.name, staffNumber: member.staffNumber });
          return { counters, tellers };
        });
      });
    }
  }, [api, key]);
  return names;
}
