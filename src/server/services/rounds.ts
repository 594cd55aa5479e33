/** A job that runs in rounds on each server: `wake()` asks for a round now, `stop()` ends them. */
export interface Rounds {
  /** Runs a round now (after the one running, if any). */
  wake(): void;
  /** No more rounds; resolves once the one running has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `everyMs` and at each wake(), never two at once in this process. A round
 * that answers true (it took a full batch, so more may wait) is followed by another at once, as
 * is one during which wake() was called. A round that throws is given to `failed` (unless the
 * job is stopping) and the next tick tries again. The timer does not keep the process alive.
 */
export function startRounds(everyMs: number, round: () => Promise<boolean>, failed: (error: unknown) => void): Rounds {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const rounds = async () => {
    do {
      again = false;
      try {
        if (await round()) again = true;
      } catch (error) {
        if (!stopped) failed(error);
      }
    } while (again && !stopped);
  };
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = rounds().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
