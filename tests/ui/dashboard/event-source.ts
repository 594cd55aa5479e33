import type { EventSourceLike, OpenEvents } from '../../../src/ui/dashboard/alerts-stream.ts';

/**
 * The browser's EventSource, for jsdom, which has none: a GET with `accept: text/event-stream`
 * through the page's fetch (the cookie jar's, so the session cookie travels as in a browser),
 * its body read as server-sent events as the HTML standard parses them (fields `event`, `data`,
 * `id`; comment lines ignored; a blank line ends an event). Like the browser's, it calls
 * onopen when the answer's headers arrive and onerror when the answer is not a stream or the
 * stream ends; unlike it, it never reconnects by itself (alerts-stream.ts closes it on error
 * and reconnects by itself anyway).
 */
export function fetchEvents(baseUrl: string, doFetch: typeof fetch): OpenEvents {
  return (path) => new FetchEventSource(new URL(path, baseUrl).href, doFetch);
}

class FetchEventSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(url: string, doFetch: typeof fetch) {
    void this.run(url, doFetch);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  private async run(url: string, doFetch: typeof fetch): Promise<void> {
    try {
      // The cookie jar's fetch drops the signal (jsdom's is not Node's): the reader is cancelled instead.
      const response = await doFetch(url, { headers: { accept: 'text/event-stream' } });
      if (this.closed) return void response.body?.cancel();
      if (!response.ok || !response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel();
        return this.fail();
      }
      this.onopen?.(new Event('open'));
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      this.abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined));
      let buffer = '';
      let event = { type: 'message', data: [] as string[], id: '' };
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.closed) break;
        buffer += value;
        let end: number;
        while ((end = buffer.search(/\r\n|\n|\r/)) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
          if (line === '') {
            if (event.data.length > 0) this.dispatch(event.type, event.data.join('\n'), event.id);
            event = { type: 'message', data: [], id: event.id };
            continue;
          }
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const raw = colon < 0 ? '' : line.slice(colon + 1);
          const content = raw.startsWith(' ') ? raw.slice(1) : raw;
          if (field === 'event') event.type = content;
          else if (field === 'data') event.data.push(content);
          else if (field === 'id') event.id = content;
        }
      }
      this.fail();
    } catch {
      this.fail();
    }
  }

  private dispatch(type: string, data: string, lastEventId: string): void {
    if (this.closed) return;
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data, lastEventId }));
  }

  private fail(): void {
    if (!this.closed) this.onerror?.(new Event('error'));
  }
}
