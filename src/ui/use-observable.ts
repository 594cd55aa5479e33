import { useEffect, useState } from 'preact/hooks';

interface Subscribable<T> {
  subscribe(onNext: (value: T) => void, onError: (error: unknown) => void): { unsubscribe(): void };
}

/**
 * Follows a live query (or any observable); `undefined` until its first value, so a screen
 * can tell "loading" from "empty".
 */
export function useObservable<T>(make: () => Subscribable<T>, deps: unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    const subscription = make().subscribe(
      (next) => setValue(() => next),
      (error) => console.error(error),
    );
    return () => subscription.unsubscribe();
  }, deps);
  return value;
}
