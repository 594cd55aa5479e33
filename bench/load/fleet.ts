/**
 * The network the load test runs against, made through the same services as the admin CLI
 * (branches, counters, tellers, one-time enrollment codes), and the day of records each
 * tablet holds when the branch closes it.
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { DeviceConfig } from '../../src/domain/config.ts';
import type { Language } from '../../src/domain/language.ts';
import type { Rating, Score } from '../../src/domain/rating.ts';
import { DEFAULT_REASONS } from '../../src/domain/reason.ts';
import type { ShiftEvent, ShiftEventType } from '../../src/domain/shift.ts';
import type { SyncRecord } from '../../src/domain/wire.ts';
import type { Database } from '../../src/server/db/schema.ts';
import { addBranch, addCounter } from '../../src/server/services/branches.ts';
import { enrollDevice, issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { ensureRollupsCurrent } from '../../src/server/services/report-rollups.ts';
import { seededRandom } from '../../src/server/demo/random.ts';
import { hashNewPin, storeNewTeller } from '../../src/server/services/tellers.ts';

/** A counter tablet of the load: where it stands, its token, and what enrollment gave it. */
export type LoadDevice = {
  index: number;
  deviceId: string;
  token: string;
  branchId: string;
  counterId: string;
  tellerId: string;
  /** The branch's zone: the day its records count in. */
  timeZone: string;
  referencePrefix: number;
  config: DeviceConfig;
};

// Branches in the zones of the demo's network: a day is the branch's own calendar day, so
// the roll-ups are keyed by days of several zones at once, as at head office.
const TIME_ZONES = ['Europe/Madrid', 'Asia/Shanghai', 'Asia/Hong_Kong', 'America/Mexico_City'];

/** How many branches set up at once: PostgreSQL takes them side by side, SQLite one after the other. */
const SETUP_CONCURRENCY = 4;

/**
 * Branches of `perBranch` counters until there are `devices` counters, each with a teller of
 * its own and a tablet enrolled there with a one-time code. Tablets are enrolled after every
 * counter and teller of their branch exists, so each holds the branch's latest configuration,
 * as a tablet does at the end of a day.
 */
export async function setUpFleet(db: Kysely<Database>, options: { devices: number; perBranch: number }, now: number): Promise<LoadDevice[]> {
  // Every teller gets the same PIN hash: 100,000 PBKDF2 rounds a teller would take a minute
  // of CPU for a thousand tellers, and the push never reads it.
  const pin = await hashNewPin('2468');
  const branches = Math.ceil(options.devices / options.perBranch);
  const fleet: LoadDevice[] = [];
  let next = 0;
  const worker = async () => {
    while (next < branches) {
      const b = next++;
      const counters = Math.min(options.perBranch, options.devices - b * options.perBranch);
      fleet.push(...(await setUpBranch(db, b, counters, options.perBranch, pin, now)));
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
  // As a server that has run before leaves it: its roll-ups' version recorded, so the
  // servers start without rebuilding them.
  await ensureRollupsCurrent(db, now);
  return fleet.sort((a, b) => a.index - b.index);
}

async function setUpBranch(
  db: Kysely<Database>,
  b: number,
  counters: number,
  perBranch: number,
  pin: Awaited<ReturnType<typeof hashNewPin>>,
  now: number,
): Promise<LoadDevice[]> {
  const timeZone = TIME_ZONES[b % TIME_ZONES.length]!;
  const branch = must(await addBranch(db, { name: `Load branch ${b + 1}`, timeZone }, now));
  const places: { counterId: string; tellerId: string }[] = [];
  for (let c = 0; c < counters; c++) {
    const counter = must(await addCounter(db, { branchId: branch.id, name: `Window ${c + 1}` }, now));
    const teller = must(
      await storeNewTeller(db, {
        id: uuidv7(),
        branchId: branch.id,
        staffNumber: String(1001 + c),
        name: `Teller ${b + 1}-${c + 1}`,
        photo: null,
        stars: 3 + (c % 3),
        pin,
        role: 'teller',
        active: true,
        createdAt: now,
      }),
    );
    places.push({ counterId: counter.id, tellerId: teller.id });
  }
  const devices: LoadDevice[] = [];
  for (const [c, place] of places.entries()) {
    const code = must(await issueEnrollmentCode(db, { counterId: place.counterId }, now));
    const enrolled = must(await enrollDevice(db, { code: code.code, deviceLabel: `load ${b + 1}-${c + 1}`, appVersion: 'load' }, now));
    devices.push({
      index: b * perBranch + c,
      deviceId: enrolled.deviceId,
      token: enrolled.token,
      branchId: branch.id,
      ...place,
      timeZone,
      referencePrefix: enrolled.referencePrefix,
      config: enrolled.config,
    });
  }
  return devices;
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(`load setup: ${result.message}`);
  return result.value;
}

/** Scores as a branch sees them on a good day: mostly content, a few unhappy. */
const SCORE_WEIGHTS: [Score, number][] = [
  ['very-satisfied', 0.55],
  ['satisfied', 0.3],
  ['neutral', 0.1],
  ['dissatisfied', 0.05],
];
const LANGUAGES: Language[] = ['zh-Hant', 'zh-Hant', 'zh-Hans', 'en', 'es'];
const REASON_IDS = DEFAULT_REASONS.map((r) => r.id);


function pickScore(random: () => number): Score {
  let r = random();
  for (const [score, weight] of SCORE_WEIGHTS) {
    if (r < weight) return score;
    r -= weight;
  }
  return 'satisfied';
}

/**
 * A tablet's day as its outbox holds it at the close: one shift (signed in first, a pause
 * and a resume every hundred records, signed out last) and ratings in between, spread over
 * the eight hours before `now`. Neutral and dissatisfied customers pick one or two reasons.
 * The records have the shapes of tests/builders/rating.ts, with the device's own places.
 */
export function dayOfRecords(device: LoadDevice, count: number, now: number): SyncRecord[] {
  const random = seededRandom(device.index + 1);
  const place = { branchId: device.branchId, counterId: device.counterId, tellerId: device.tellerId, signInId: uuidv7() };
  const start = now - 8 * 3_600_000;
  const step = Math.floor((8 * 3_600_000) / Math.max(1, count));
  const records: SyncRecord[] = [];
  for (let i = 0; i < count; i++) {
    const createdAt = start + i * step;
    const shift = shiftAt(i, count);
    if (shift) {
      records.push({ kind: 'shift', id: uuidv7(), ...place, type: shift, createdAt } satisfies ShiftEvent);
      continue;
    }
    const score = pickScore(random);
    const reasons = score === 'neutral' || score === 'dissatisfied' ? pickReasons(random) : [];
    const language = LANGUAGES[Math.floor(random() * LANGUAGES.length)]!;
    records.push({ kind: 'rating', id: uuidv7(), ...place, score, reasons, language, createdAt } satisfies Rating);
  }
  return records;
}

function shiftAt(i: number, count: number): ShiftEventType | null {
  if (i === 0) return 'signed-in';
  if (i === count - 1) return 'signed-out';
  if (i % 100 === 50) return 'paused';
  if (i % 100 === 51) return 'resumed';
  return null;
}

function pickReasons(random: () => number): string[] {
  const first = REASON_IDS[Math.floor(random() * REASON_IDS.length)]!;
  if (random() < 0.7) return [first];
  const second = REASON_IDS[Math.floor(random() * REASON_IDS.length)]!;
  return second === first ? [first] : [first, second];
}
