import { useEffect, useRef } from 'preact/hooks';

/** What counts as someone at the screen: a touch, a key, typing. */
export const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'input'] as const;

export interface IdleOptions {
  /** The events that start the wait over; all of ACTIVITY_EVENTS unless given. */
  events?: readonly string[];
  /** Where they are heard, in the capture phase so that no handler that stops them hides them. */
  target?: EventTarget;
  /** Called on each of them, before the wait starts over. */
  onActivity?: () => void;
}

/**
 * Calls `onIdle` once nobody has touched the screen for `ms`; any activity starts the wait
 * over, after `onIdle` too, so an idle screen that is touched goes idle again later. Returns
 * what stops watching.
 */
export function watchIdle(ms: number, onIdle: () => void, { events = ACTIVITY_EVENTS, target = globalThis, onActivity }: IdleOptions = {}): () => void {
  let timer = setTimeout(onIdle, ms);
  const touched = () => {
    onActivity?.();
    clearTimeout(timer);
    timer = setTimeout(onIdle, ms);
  };
  for (const name of events) target.addEventListener(name, touched, { capture: true, passive: true });
  return () => {
    clearTimeout(timer);
    for (const name of events) target.removeEventListener(name, touched, { capture: true });
  };
}

/**
 * watchIdle for a component, on the document, while `enabled`: it starts when the component
 * mounts or `enabled` turns true and stops when it unmounts or `enabled` turns false. The
 * latest `onIdle` and `onActivity` are the ones called.
 */
export function useIdle(ms: number, onIdle: () => void, { enabled = true, events, onActivity }: Omit<IdleOptions, 'target'> & { enabled?: boolean } = {}): void {
  const latest = useRef({ onIdle, onActivity });
  latest.current = { onIdle, onActivity };
  const eventList = (events ?? ACTIVITY_EVENTS).join(' ');
  useEffect(() => {
    if (!enabled) return;
    return watchIdle(ms, () => latest.current.onIdle(), { events: eventList.split(' '), target: document, onActivity: () => latest.current.onActivity?.() });
  }, [enabled, ms, eventList]);
}
