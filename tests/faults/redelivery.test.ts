import { expect, it } from 'vitest';
import type { Rating, Score } from '../../src/domain/rating.ts';
import { PROTOCOL_VERSION, type PushResponse } from '../../src/domain/wire.ts';
import { aRating } from '../builders/rating.ts';
import { describeEachDatabase } from '../helpers/db.ts';
import { callApi, givenEnrolledDevice, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';
import { expectExactlyOnce, givenBranchWithCounters, seededRandom } from './given.ts';

// The same batch delivered several times, interleaved with other devices' batches, in a
// random order, several at once: what a network of tablets that lose answers does to the
// server. Ingest inserts with ON CONFLICT DO NOTHING and rolls up only what the insert
// stored, so the final set is exact and every roll-up counts each rating once.

const DEVICES = 4;
const BATCHES_PER_DEVICE = 5;
const IN_FLIGHT = 6;
const SEED = 8;
const SCORES: readonly Score[] = ['very-satisfied', 'satisfied', 'neutral', 'dissatisfied'];
const HOUR = 3_600_000;

type Delivery = { device: number; what: string; records: Rating[] };

/**
 * Each device's batches in outbox order (sizes 20 to 200, over three days in the branch's
 * zone), then the deliveries: every batch one to three times, a batch cut differently on a
 * resend (the second half of one and the first half of the next, as after a partial
 * settle), and a batch that carries a record twice; all shuffled.
 */
function planDeliveries(counterIds: readonly string[], random: () => number): { deliveries: Delivery[]; accepted: Set<string>; perDevice: Rating[][] } {
  const perDevice: Rating[][] = [];
  const deliveries: Delivery[] = [];
  for (let device = 0; device < DEVICES; device++) {
    const batches: Rating[][] = [];
    for (let b = 0; b < BATCHES_PER_DEVICE; b++) {
      const size = 20 + Math.floor(random() * 181);
      batches.push(
        Array.from({ length: size }, () => {
          const score = SCORES[Math.floor(random() * SCORES.length)]!;
          return aRating({
            counterId: counterIds[device]!,
            score,
            reasons: score === 'dissatisfied' ? ['waiting-time'] : score === 'neutral' && random() < 0.5 ? ['fees', 'attitude'] : [],
            createdAt: SERVER_NOW - 60 * HOUR + Math.floor(random() * 60 * HOUR),
          });
        }),
      );
    }
    perDevice.push(batches.flat());
    for (const [b, batch] of batches.entries()) {
      const copies = 1 + Math.floor(random() * 3);
      for (let c = 0; c < copies; c++) deliveries.push({ device, what: `batch ${b} copy ${c + 1}`, records: batch });
      const next = batches[b + 1];
      if (next && random() < 0.5) {
        deliveries.push({ device, what: `batch ${b}/${b + 1} recut`, records: [...batch.slice(batch.length >> 1), ...next.slice(0, next.length >> 1)] });
      }
    }
    const first = batches[0]!;
    deliveries.push({ device, what: 'a record twice', records: [first[0]!, ...first.slice(0, 10), first[0]!] });
  }
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }
  return { deliveries, accepted: new Set(perDevice.flat().map((r) => r.id)), perDevice };
}

describeEachDatabase('the same batches delivered several times, interleaved', (kind) => {
  const database = useTestDatabase(kind);

  it('given four devices whose batches arrive one to three times, recut and shuffled, six at once, then the server holds each rating once and the roll-ups count each once', async () => {
    const counterIds = await givenBranchWithCounters(database.current, DEVICES, SERVER_NOW);
    const tokens: string[] = [];
    for (const counterId of counterIds) tokens.push((await givenEnrolledDevice(database.current, counterId)).token);
    const server: TestServer = await startTestServer({ db: database.current.db });
    const { deliveries, accepted, perDevice } = planDeliveries(counterIds, seededRandom(SEED));

    const started = Date.now();
    let next = 0;
    let recordsSent = 0;
    const refused: string[] = [];
    const worker = async () => {
      for (let i = next++; i < deliveries.length; i = next++) {
        const { device, what, records } = deliveries[i]!;
        recordsSent += records.length;
        const answer = await callApi(server, 'POST', '/api/sync/push', { token: tokens[device], body: { protocol: PROTOCOL_VERSION, records } });
        const results = (answer.body as PushResponse).results ?? [];
        if (answer.status !== 200 || results.some((r, k) => r.status !== 'accepted' || r.id !== records[k]!.id)) {
          refused.push(`device ${device} ${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const elapsed = Date.now() - started;

    expect(refused).toEqual([]);
    const figures = await expectExactlyOnce(database.current.db, accepted);
    // Each counter's roll-up holds exactly its device's ratings.
    const byCounter = await database.current.db
      .selectFrom('rating_days')
      .select((eb) => ['counter_id', eb.fn.sum<number>(eb('very_satisfied', '+', eb('satisfied', '+', eb('neutral', '+', eb.ref('dissatisfied'))))).as('n')])
      .groupBy('counter_id')
      .execute();
    expect(Object.fromEntries(byCounter.map((r) => [r.counter_id, Number(r.n)]))).toEqual(Object.fromEntries(counterIds.map((id, d) => [id, perDevice[d]!.length])));
    console.log(
      `[faults] redelivery (${kind}): ${deliveries.length} deliveries (${DEVICES} devices, ${DEVICES * BATCHES_PER_DEVICE} batches, seed ${SEED}), ${recordsSent} records sent, ${figures.records} held once, ${figures.rolledUp} rolled up, ${IN_FLIGHT} in flight, ${elapsed} ms`,
    );
  });
});
