import { Workbox } from 'workbox-window';
import { watchIdle } from './components/idle.ts';

/** How long without a touch before the screen counts as idle, so an update may reload it. */
const IDLE_MS = 60_000;

/** Resolves once nobody has touched the screen for `idleMs`. */
export function whenIdle(idleMs = IDLE_MS, target: EventTarget = globalThis): Promise<void> {
  return new Promise((resolve) => {
    const stop = watchIdle(
      idleMs,
      () => {
        stop();
        resolve();
      },
      { target },
    );
  });
}

/**
 * Registers the service worker. A new version waits until the screen is idle, never in the
 * middle of a customer's rating, then takes over and the page reloads once; the old page
 * never runs against the new version's files, so lazy chunks cannot go missing.
 */
export function registerServiceWorker(url = '/sw.js'): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const wb = new Workbox(url);
  wb.addEventListener('waiting', () => {
    void whenIdle().then(() => {
      wb.addEventListener('controlling', () => location.reload());
      wb.messageSkipWaiting();
    });
  });
  void wb.register();
}
