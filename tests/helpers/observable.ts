/** Anything with subscribe(next, error), as Dexie's liveQuery returns. */
interface Subscribable<T> {
  subscribe(onNext: (value: T) => void, onError: (error: unknown) => void): { unsubscribe(): void };
}

/** The first value a live query emits, then unsubscribes. */
export function firstValueFrom<T>(observable: Subscribable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const subscription = observable.subscribe(
      (value) => {
        if (done) return;
        done = true;
        queueMicrotask(() => subscription.unsubscribe());
        resolve(value);
      },
      reject,
    );
  });
}
