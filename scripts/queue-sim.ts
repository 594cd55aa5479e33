// `npm run queue-sim -- --key bvq_… [--url http://127.0.0.1:8080] [--counters 1,2,3] [--speed 60] [--once]`:
// a branch's queue system (排队叫号) without one. Customers arrive, take tickets A001, A002, …
// for deposits, withdrawals, foreign exchange or wealth management, are called to the first
// free counter, served and closed (src/server/demo/queue-day.ts); each step is posted to
// POST /api/queue/events with the branch's queue system key, as a real one posts them.
//
// The day starts at 09:00 in the branch's zone (--zone, this machine's by default). Its clock
// runs --speed times as fast as the real one (60 by default: an hour a minute) but never ahead
// of it: a queue system does not report the future, and a rating made on the branch's tablet
// now must find the ticket served now. So the day so far is replayed quickly, then the
// simulator runs live; after the day's last ticket it waits for the next morning. --once
// posts the day so far at once and stops.
//
// Events due together are posted together (at most MAX_QUEUE_EVENTS a request). A network
// error or a 5xx is retried with growing pauses: the server keeps each event once by its
// natural key (branch, day, ticket, type, time), so an event posted twice is answered
// `duplicate`, never stored twice. Ctrl+C stops between posts.
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { addDays, isTimeZone, localDayOf, startOfLocalDay, type LocalDay } from '../src/domain/period.ts';
import { MAX_QUEUE_EVENTS, QueueCounterCodeSchema, type QueueEvent, type QueuePostResponse } from '../src/domain/queue.ts';
import { queueDaySeed, simulateQueueDay } from '../src/server/demo/queue-day.ts';

const OPENS_HOUR = 9;
const CLOSES_HOUR = 17;
/** Pauses between tries of one post: doubling from a second up to half a minute, each with a little jitter. */
const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;
/** `--once` gives up after this many tries of one post; a live simulator keeps trying, as a queue system would. */
const ONCE_TRIES = 6;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    key: { type: 'string' },
    counters: { type: 'string', default: '1,2,3' },
    speed: { type: 'string', default: '60' },
    once: { type: 'boolean', default: false },
    zone: { type: 'string' },
    customers: { type: 'string' },
    prefix: { type: 'string', default: 'A' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const USAGE = `npm run queue-sim -- --key <queue system key> [options]

  --url <url>          the server (default http://127.0.0.1:8080)
  --key <key>          the branch's queue system key (Manage › Queue system; the demo prints one), or QUEUE_KEY
  --counters <codes>   the queue system's counter numbers, comma-separated (default 1,2,3)
  --speed <n>          how many times faster than real time the day so far is replayed before running live (default 60)
  --once               post the day so far and stop
  --zone <zone>        the branch's time zone (default this machine's)
  --customers <n>      tickets a day on average (default 55 per counter)
  --prefix <letters>   the tickets' letter (default A: A001, A002, …)
  --seed <n>           the day's seed (default: from the day and the counters)`;

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const options = readOptions();
if (!options.ok) {
  console.error(`${options.message}\n\n${USAGE}`);
  process.exit(2);
}
const { url, key, counters, speed, once, zone, customers, prefix, seed } = options.value;

/** A post that cannot succeed by trying again: the simulator stops. */
class GaveUp extends Error {}

let stopping = false;
const stop = new AbortController();
process.on('SIGINT', () => {
  // A second Ctrl+C does not wait for the post in flight.
  if (stopping) process.exit(130);
  stopping = true;
  stop.abort();
  console.log('\nStopping after the post in flight (Ctrl+C again to quit now)…');
});

const totals = { posted: 0, stored: 0, duplicate: 0, rejected: 0 };
const realStart = Date.now();
const firstDay = localDayOf(realStart, zone);
// The simulated clock starts at the day's opening, or now if that is still to come.
const simStart = Math.min(realStart, startOfLocalDay(firstDay, zone) + OPENS_HOUR * 3_600_000);
/** The simulated time at a real instant: `speed` times as fast, never ahead of the real clock. */
const simulatedAt = (real: number): number => Math.min(real, simStart + (real - realStart) * speed);
/** The real instant the simulated clock reaches `at`. */
const realAtWhich = (at: number): number => Math.max(at, realStart + (at - simStart) / speed);

console.log(`Queue system of ${counters.length} counters (${counters.join(', ')}) posting to ${url}/api/queue/events, ${zone}, ${once ? 'the day so far, once' : `×${speed}`}; Ctrl+C stops.`);

let exitCode = 0;
try {
  for (let day = firstDay; !stopping; day = addDays(day, 1)) {
    const events = dayOf(day);
    if (once) {
      await postAll(events.filter((e) => e.at <= realStart));
      break;
    }
    let next = 0;
    while (next < events.length && !stopping) {
      await sleepUntil(realAtWhich(events[next]!.at));
      const now = simulatedAt(Date.now());
      let end = next;
      while (end < events.length && events[end]!.at <= now) end++;
      await postAll(events.slice(next, end));
      next = end;
    }
  }
} catch (error) {
  if (!(error instanceof GaveUp)) throw error;
  console.error(error.message);
  exitCode = 1;
}
console.log(`Posted ${totals.posted} events: ${totals.stored} stored, ${totals.duplicate} duplicate, ${totals.rejected} rejected.`);
process.exit(exitCode);

function dayOf(day: LocalDay): QueueEvent[] {
  const plan = { day, timeZone: zone, counters, customers, prefix, opensHour: OPENS_HOUR, closesHour: CLOSES_HOUR, seed: queueDaySeed('queue-sim', seed ?? '', day, ...counters) };
  const { tickets, events } = simulateQueueDay(plan);
  console.log(`${day}: ${tickets.length} tickets, ${tickets[0]?.ticket ?? '-'} to ${tickets.at(-1)?.ticket ?? '-'}.`);
  return events;
}

/** Posts events in order, MAX_QUEUE_EVENTS a request, and prints what the server made of each. */
async function postAll(events: readonly QueueEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_QUEUE_EVENTS) {
    const batch = events.slice(i, i + MAX_QUEUE_EVENTS);
    const answer = await postWithRetries(batch);
    const counts = { stored: 0, duplicate: 0, rejected: 0 };
    for (const result of answer.results) {
      counts[result.status]++;
      if (result.status === 'rejected') {
        const e = batch[result.index];
        console.log(`  rejected ${e ? `${e.ticket} ${e.type} at ${clock(e.at)}${e.counter ? ` counter ${e.counter}` : ''}` : `event ${result.index}`}: ${result.reason}: ${result.message}`);
      }
    }
    totals.posted += batch.length;
    totals.stored += counts.stored;
    totals.duplicate += counts.duplicate;
    totals.rejected += counts.rejected;
    const last = batch.at(-1)!;
    console.log(`${clock(last.at)} posted ${batch.length} event${batch.length === 1 ? '' : 's'}: ${counts.stored} stored, ${counts.duplicate} duplicate, ${counts.rejected} rejected`);
  }
}

/**
 * One post, tried until it is answered: a network error, a timeout or a 5xx is tried again
 * after a pause (safe: the server keeps an event once). A 4xx is this simulator's mistake or a
 * key that is wrong or revoked; trying again would not help.
 */
async function postWithRetries(events: readonly QueueEvent[]): Promise<QueuePostResponse> {
  let pause = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    let problem: string;
    try {
      const response = await fetch(`${url}/api/queue/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.ok) return (await response.json()) as QueuePostResponse;
      const text = await response.text();
      if (response.status < 500 && response.status !== 429) throw new GaveUp(`The server refused the post (${response.status}): ${text.slice(0, 500)}`);
      problem = `the server answered ${response.status}`;
    } catch (error) {
      if (error instanceof GaveUp) throw error;
      problem = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    if (once && attempt >= ONCE_TRIES) throw new GaveUp(`Gave up after ${attempt} tries: ${problem}.`);
    if (stopping) throw new GaveUp(`Stopped while retrying: ${problem}.`);
    const wait = pause + Math.floor(Math.random() * (pause / 4));
    console.log(`  ${problem}; trying again in ${(wait / 1000).toFixed(1)} s`);
    await sleep(wait);
    pause = Math.min(LONGEST_RETRY_MS, pause * 2);
  }
}

/** Sleeps until a real instant, or until Ctrl+C. */
function sleepUntil(at: number): Promise<void> {
  return sleep(at - Date.now());
}

function sleep(ms: number): Promise<void> {
  if (ms <= 0 || stop.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.signal.removeEventListener('abort', done);
      resolve();
    }
    stop.signal.addEventListener('abort', done, { once: true });
  });
}

/** A time as the branch's clock shows it. */
function clock(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
}

type Options = { url: string; key: string; counters: string[]; speed: number; once: boolean; zone: string; customers: number; prefix: string; seed: number | null };

function readOptions(): { ok: true; value: Options } | { ok: false; message: string } {
  const key = values.key ?? process.env.QUEUE_KEY ?? '';
  if (!key) return { ok: false, message: '--key is required: the branch\'s queue system key (Manage › Queue system, or the one `npm run demo` prints).' };
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    return { ok: false, message: `--url must be the server's address, such as http://127.0.0.1:8080 (got ${values.url}).` };
  }
  const counters = values.counters.split(',').map((c) => c.trim());
  for (const code of counters) {
    const checked = v.safeParse(QueueCounterCodeSchema, code);
    if (!checked.success) return { ok: false, message: `--counters: "${code}" ${checked.issues[0].message}.` };
  }
  if (new Set(counters).size !== counters.length) return { ok: false, message: '--counters names a counter twice.' };
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1 || speed > 3600) return { ok: false, message: '--speed must be a number from 1 to 3600.' };
  const zone = values.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isTimeZone(zone)) return { ok: false, message: `--zone must be an IANA time zone such as Asia/Shanghai (got ${zone}).` };
  const customers = values.customers === undefined ? 55 * counters.length : Number(values.customers);
  if (!Number.isFinite(customers) || customers < 0 || customers > 5000) return { ok: false, message: '--customers must be a number from 0 to 5000.' };
  if (!/^[A-Za-z]{1,3}$/.test(values.prefix)) return { ok: false, message: '--prefix must be one to three letters, such as A.' };
  const seed = values.seed === undefined ? null : Number(values.seed);
  if (seed !== null && !Number.isInteger(seed)) return { ok: false, message: '--seed must be a whole number.' };
  return { ok: true, value: { url: url.origin + url.pathname.replace(/\/$/, ''), key, counters, speed, once: values.once, zone, customers, prefix: values.prefix, seed } };
}
