import { useEffect, useState } from 'preact/hooks';

interface Subscribable<T> {
  subscribe(onNext: (value: T) => void, onError: (error: unknown) => void): { unsubscribe(): void };
}

/**
 * Follows a live query (or any observable); `undefined` until its first value, so a screen
 * can tell "loading" from "empty". `first`: the value read just before, if any (main.tsx's
 * first reading), shown until the live query's own first value, which follows it.
 */
export function useObservable<T>(make: () => Subscribable<T>, deps: unknown[], first?: T): T | undefined {
  const [value, setValue] = useState<T | undefined>(first);
  useEffect(() => {
    const subscription = make().subscribe(
      (next) => setValue(() => next),
      (error) => console.error(error),
    );
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
