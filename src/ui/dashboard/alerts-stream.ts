import type { AlertStreamMessage } from '../../domain/alerts.ts';
import { backoffDelay } from '../../sync/backoff.ts';

/**
 * The dashboard's live alerts: `GET /api/alerts/stream?after=<seq>` as server-sent events
 * (event `alert`, id the alert event's seq, data an AlertStreamMessage). The browser's
 * EventSource reconnects by itself, but at its own pace and with the address it first had;
 * this wrapper closes it on the first error and opens a new one after the last seq it saw,
 * with the sync engine's backoff, so a server that restarts is not hammered, nothing is
 * missed and nothing is told twice. Its state is shown on the page (live / reconnecting), so
 * nobody trusts a page whose stream is dead.
 */

/** What the wrapper needs of an EventSource: the browser's, or in tests one over Node's fetch. */
export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: 'alert', listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** Opens an event stream at a path of the API (the cookie goes with it: same origin). */
export type OpenEvents = (path: string) => EventSourceLike;

/** `connecting`: the first try; `live`: open; `reconnecting`: lost, trying again; `unavailable`: this browser has no EventSource. */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

export interface AlertStreamOptions {
  /** Null where the browser has no EventSource: the list still loads, nothing arrives live. */
  open: OpenEvents | null;
  /** The latest alert event seq the caller already holds (the list's cursor). */
  after: number;
  onMessage: (message: AlertStreamMessage) => void;
  onState: (state: StreamState) => void;
  /** The wait before reconnection number `attempt` (1, 2, …); the sync engine's backoff unless given. */
  delay?: (attempt: number) => number;
}

export interface AlertStream {
  close(): void;
  /** The last seq told to onMessage (or the starting cursor). */
  lastSeq(): number;
}

export const streamPath = (after: number): string => `/api/alerts/stream?after=${Math.max(0, Math.floor(after))}`;

/** Reads one event's data; an event out of shape is dropped (the next list load shows the truth). */
export function parseStreamMessage(data: string): AlertStreamMessage | null {
  try {
    const value = JSON.parse(data) as Partial<AlertStreamMessage> | null;
    if (!value || typeof value.seq !== 'number' || typeof value.type !== 'string' || typeof value.alert !== 'object' || value.alert === null) return null;
    return value as AlertStreamMessage;
  } catch {
    return null;
  }
}

export function openAlertStream({ open, after, onMessage, onState, delay = backoffDelay }: AlertStreamOptions): AlertStream {
  let last = after;
  let source: EventSourceLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;

  const connect = () => {
    timer = null;
    if (closed || !open) return;
    const here = open(streamPath(last));
    source = here;
    here.onopen = () => {
      if (source !== here) return;
      attempt = 0;
      onState('live');
    };
    here.onerror = () => {
      if (source !== here) return;
      here.close();
      source = null;
      if (closed) return;
      onState('reconnecting');
      timer = setTimeout(connect, delay(++attempt));
    };
    here.addEventListener('alert', (event) => {
      if (source !== here) return;
      const message = parseStreamMessage(event.data);
      // An event at or below what we hold came twice (a reconnection's overlap): told once.
      if (!message || message.seq <= last) return;
      last = message.seq;
      onMessage(message);
    });
  };

  if (!open) onState('unavailable');
  else {
    onState('connecting');
    connect();
  }

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      source?.close();
      source = null;
    },
    lastSeq: () => last,
  };
}
