import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy between a device and the server, for fault tests: it passes bytes both
 * ways untouched until the test arms a fault for the next request to a path, and then cuts or
 * holds that request's streams at the point named. It speaks no HTTP beyond finding where a
 * request or a response starts and how long its body is, so what the device and the server
 * see is exactly what a dropped Wi-Fi link or a dying process would show them.
 */

/** Where the next matching request is broken. */
export type Fault =
  /** Nothing is broken: the request and its answer pass, and the test learns when each went by. */
  | 'pass'
  /** The connection closes as the request starts: the server sees nothing of it. */
  | 'cut-before-request'
  /** The headers and half the body reach the server, then both sides are closed. */
  | 'cut-during-request-body'
  /** The whole request reaches the server; its answer never reaches the device. */
  | 'cut-before-response'
  /** The whole request reaches the server; the answer's headers and half its body reach the device, then the cut. */
  | 'cut-during-response'
  /** The whole request reaches the server; its answer is held at the proxy until the test calls release() or cut(). */
  | 'hold-response';

export const FAULTS: readonly Fault[] = ['pass', 'cut-before-request', 'cut-during-request-body', 'cut-before-response', 'cut-during-response', 'hold-response'];

/** A fault armed for the next request to a path, and what became of it. */
export interface ArmedFault {
  readonly fault: Fault;
  /** Resolves when the request to break has started through the proxy. */
  readonly requested: Promise<void>;
  /** Resolves when the server's first answer bytes reached the proxy (for faults after the request). */
  readonly answered: Promise<void>;
  /** Resolves when the fault has done its work: the cut made, or (hold) the answer held. */
  readonly done: Promise<void>;
  /** Hold only: lets the held answer through to the device. */
  release(): void;
  /** Hold only: closes both sides without passing the answer on. */
  cut(): void;
}

export interface FaultProxy {
  /** The address devices are pointed at. */
  readonly url: string;
  /** The server's port; a restarted server can get a new one. */
  target: number;
  /** Arms `fault` for the next request whose request line names a path starting with `pathPrefix`. Faults queue. */
  failNext(pathPrefix: string, fault: Fault): ArmedFault;
  /** Closes every connection through the proxy at once, as a switch going down does. */
  cutAll(): void;
  /** Requests seen, requests whose answer has not started back yet, and faults fired. */
  readonly stats: { connections: number; requests: number; inFlight: number; faults: Record<Fault, number> };
  close(): Promise<void>;
}

type Pending = { pathPrefix: string; fault: Fault; control: Control };
type Control = {
  requested: Deferred;
  answered: Deferred;
  done: Deferred;
  release: () => void;
  cut: () => void;
  /** Set once the fault is bound to a connection. */
  bind: (onRelease: () => void, onCut: () => void) => void;
};

const REQUEST_LINE = /^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/;

/** Starts a proxy on a free loopback port that forwards to 127.0.0.1:`target`. */
export async function startFaultProxy(target: number): Promise<FaultProxy> {
  const queue: Pending[] = [];
  const sockets = new Set<Socket>();
  const stats = { connections: 0, requests: 0, inFlight: 0, faults: Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number> };
  const proxy = { target };

  const server: Server = createServer((client) => {
    stats.connections++;
    const upstream = connect(proxy.target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    // Whether this connection carries a request whose answer has not started back yet.
    let awaiting = false;
    const answerStarts = () => {
      if (awaiting) stats.inFlight--;
      awaiting = false;
    };
    client.on('close', () => {
      sockets.delete(client);
      answerStarts();
    });
    upstream.on('close', () => sockets.delete(upstream));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());

    // The fault bound to this connection's current request, and where it stands.
    let active: { fault: Fault; control: Control } | null = null;
    let requestHead = Buffer.alloc(0);
    let requestLimit: number | null = null;
    let requestForwarded = 0;
    let holding: Buffer[] | null = null;
    let upstreamClosedWhileHeld = false;
    let responseHead = Buffer.alloc(0);
    let responseLimit: number | null = null;
    let responseForwarded = 0;

    client.on('data', (chunk: Buffer) => {
      // A request starts at a request line; a body (JSON here) never looks like one.
      const path = active?.fault === 'cut-during-request-body' ? undefined : REQUEST_LINE.exec(chunk.subarray(0, 2048).toString('latin1'))?.[1];
      if (path !== undefined) {
        stats.requests++;
        if (!awaiting) stats.inFlight++;
        awaiting = true;
        const index = queue.findIndex((p) => path.startsWith(p.pathPrefix));
        const pending = index >= 0 ? queue.splice(index, 1)[0]! : null;
        active = pending && { fault: pending.fault, control: pending.control };
        if (active) {
          stats.faults[active.fault]++;
          requestHead = responseHead = Buffer.alloc(0);
          requestLimit = responseLimit = null;
          requestForwarded = responseForwarded = 0;
          active.control.requested.resolve();
          if (active.fault === 'cut-before-request') {
            closeBoth();
            active.control.done.resolve();
            return;
          }
          if (active.fault === 'hold-response') {
            holding = [];
            active.control.bind(() => {
              const held = holding ?? [];
              holding = null;
              for (const part of held) client.write(part);
              if (upstreamClosedWhileHeld) client.end();
            }, closeBoth);
          }
        }
      }
      if (active?.fault === 'cut-during-request-body') {
        requestHead = requestHead.length < 65_536 ? Buffer.concat([requestHead, chunk]) : requestHead;
        if (requestLimit === null) {
          const parsed = headAndLength(requestHead);
          if (parsed) requestLimit = parsed.headBytes + Math.floor(parsed.bodyBytes / 2);
        }
        const room = requestLimit === null ? chunk.length : Math.max(0, requestLimit - requestForwarded);
        const part = chunk.subarray(0, room);
        requestForwarded += part.length;
        if (requestLimit !== null && requestForwarded >= requestLimit) {
          const control = active.control;
          // Written first and closed once the kernel has the bytes: the server must see half a body, then the end.
          upstream.write(part, () => {
            closeBoth();
            control.done.resolve();
          });
          client.pause();
          return;
        }
        upstream.write(part);
        return;
      }
      upstream.write(chunk);
    });

    upstream.on('data', (chunk: Buffer) => {
      answerStarts();
      const fault = active?.fault;
      if (active && (fault === 'pass' || fault === 'hold-response' || fault === 'cut-before-response' || fault === 'cut-during-response')) {
        active.control.answered.resolve();
        if (fault === 'pass') {
          active.control.done.resolve();
          client.write(chunk);
          return;
        }
        if (fault === 'cut-before-response') {
          closeBoth();
          active.control.done.resolve();
          return;
        }
        if (fault === 'hold-response') {
          if (holding) {
            holding.push(chunk);
            active.control.done.resolve();
            return;
          }
          client.write(chunk);
          return;
        }
        responseHead = responseHead.length < 65_536 ? Buffer.concat([responseHead, chunk]) : responseHead;
        if (responseLimit === null) {
          const parsed = headAndLength(responseHead);
          if (parsed) responseLimit = parsed.headBytes + Math.floor(parsed.bodyBytes / 2);
        }
        const room = responseLimit === null ? chunk.length : Math.max(0, responseLimit - responseForwarded);
        const part = chunk.subarray(0, room);
        responseForwarded += part.length;
        if (responseLimit !== null && responseForwarded >= responseLimit) {
          const control = active.control;
          client.write(part, () => {
            closeBoth();
            control.done.resolve();
          });
          upstream.pause();
          return;
        }
        client.write(part);
        return;
      }
      client.write(chunk);
    });

    upstream.on('end', () => {
      if (holding) upstreamClosedWhileHeld = true;
      else client.end();
    });
    upstream.on('close', () => {
      // A server killed while its answer is held: the device learns of it only when the test cuts.
      if (!holding) client.destroy();
    });
    client.on('end', () => upstream.end());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    get target() {
      return proxy.target;
    },
    set target(port: number) {
      proxy.target = port;
    },
    stats,
    failNext(pathPrefix, fault) {
      const control = newControl();
      queue.push({ pathPrefix, fault, control });
      return {
        fault,
        requested: control.requested.promise,
        answered: control.answered.promise,
        done: control.done.promise,
        release: control.release,
        cut: control.cut,
      };
    },
    cutAll() {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The length of an HTTP head and its Content-Length, once the head is complete. */
function headAndLength(bytes: Buffer): { headBytes: number; bodyBytes: number } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = bytes.subarray(0, end).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
  return { headBytes: end + 4, bodyBytes: length === undefined ? 0 : Number(length) };
}

type Deferred = { promise: Promise<void>; resolve: () => void };

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function newControl(): Control {
  let onRelease: (() => void) | null = null;
  let onCut: (() => void) | null = null;
  const control: Control = {
    requested: deferred(),
    answered: deferred(),
    done: deferred(),
    release: () => onRelease?.(),
    cut: () => onCut?.(),
    bind: (release, cut) => {
      onRelease = release;
      onCut = cut;
    },
  };
  return control;
}
