import { expect, it } from 'vitest';
import { insertPushedRows } from '../../../src/server/repositories/pushed-records.ts';
import { shiftEventToRow } from '../../../src/server/repositories/shift-events.ts';
import { aShiftEvent } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';

// A push's inserts are texts made once and kept, for rows of one shape; rows of another shape
// go through Kysely, which reads a missing or undefined value as the column's default.

describeEachDatabase('insertPushedRows', (kind) => {
  const database = useTestDatabase(kind);
  const rowOf = () => shiftEventToRow(aShiftEvent(), 'device-a', SERVER_NOW);
  const insert = (shiftEvents: ReturnType<typeof rowOf>[]) => insertPushedRows(database.current.db, { ratings: [], shiftEvents, opinions: [], entryReads: [] });
  const stored = () => database.current.db.selectFrom('shift_events').select(['id', 'content_hash']).orderBy('seq').execute();

  it('given rows of one shape, one of them twice, then each id is stored once with its values and answered as stored', async () => {
    const [a, b] = [rowOf(), rowOf()];
    const ids = await insert([a, b, a]);
    expect([...ids.shiftEvents].sort()).toEqual([a.id, b.id].sort());
    expect(await stored()).toEqual([
      { id: a.id, content_hash: a.content_hash },
      { id: b.id, content_hash: b.content_hash },
    ]);
    expect((await insert([a, b])).shiftEvents.size).toBe(0);
  });

  it.each([
    ['a value left undefined', (row: ReturnType<typeof rowOf>) => ({ ...row, content_hash: undefined })],
    ['a column left out', ({ content_hash: _, ...row }: ReturnType<typeof rowOf>) => row],
  ])('given a row with %s beside rows of the full shape, then all are stored, that column at its default', async (_, change) => {
    const [a, b] = [rowOf(), rowOf()];
    const ids = await insert([a, change(b) as ReturnType<typeof rowOf>]);
    expect([...ids.shiftEvents].sort()).toEqual([a.id, b.id].sort());
    expect(await stored()).toEqual([
      { id: a.id, content_hash: a.content_hash },
      { id: b.id, content_hash: null },
    ]);
  });
});
