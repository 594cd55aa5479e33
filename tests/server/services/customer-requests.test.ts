import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { consentTextOf } from '../../../src/domain/consent.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import { BLANKED_TEXT } from '../../../src/domain/privacy.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { readAudit, type Actor } from '../../../src/server/services/audit.ts';
import { eraseCustomerData, findCustomerData } from '../../../src/server/services/customer-requests.ts';
import { rebuildRollups } from '../../../src/server/services/report-rollups.ts';
import { aCaseId } from '../../builders/case-event.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { caseEventAt, eventTexts, figuresOf, givenNetwork, opinionAt, push, type GivenBranch } from '../reports/given.ts';

const T0 = SERVER_NOW;
const HOUR = 3_600_000;
const LUCIA = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true } as const;
const OTHER = { name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '', wantsReply: true, consent: true } as const;
const HEAD_OFFICE: Actor = { actor: 'HQ1', role: 'head-office', verified: 'dashboard-session', address: '10.0.0.9' };

/**
 * Lucía left two entries (e1 with phone and e-mail, e5 with her phone, whose case c5 is still
 * open), staff wrote her phone into a case taken in person (c4, signed off); another customer
 * left e2, whose case c2 is signed off.
 */
async function givenHistory(db: Kysely<Database>, branch: GivenBranch) {
  const e1 = opinionAt(branch, T0, { contact: LUCIA });
  const e2 = opinionAt(branch, T0, { contact: OTHER });
  const e5 = opinionAt(branch, T0, { contact: { ...LUCIA, email: '' } });
  await push(db, branch.lobby, [e1, e2, e5], T0);
  const [c2, c4, c5] = [aCaseId(), aCaseId(), aCaseId()];
  await push(db, branch.lobby, [
    caseEventAt(branch, 'opened', c2, T0 + 1000, { channel: 'opinion-box', opinionId: e2.id, summary: 'Queue at lunchtime' }),
    caseEventAt(branch, 'replied', c2, T0 + 2000, { text: 'A second window opens at noon' }),
    caseEventAt(branch, 'signed-off', c2, T0 + 3000),
    caseEventAt(branch, 'opened', c4, T0 + 1000, { channel: 'phone', opinionId: null, summary: 'Lucía Gómez called from 612-345-678: charged twice' }),
    caseEventAt(branch, 'replied', c4, T0 + 2000, { text: 'Refunded; told her on 612 345 678' }),
    caseEventAt(branch, 'signed-off', c4, T0 + 3000),
    caseEventAt(branch, 'opened', c5, T0 + 1000, { channel: 'opinion-box', opinionId: e5.id, summary: 'Card retained by the ATM' }),
  ], T0);
  return { e1, e2, e5, c2, c4, c5 };
}

/** Every row of every table as JSON: where a customer's details could be left. */
async function everything(db: Kysely<Database>): Promise<string> {
  const tables = (await db.introspection.getTables()).map((t) => t.name).filter((name) => !name.startsWith('kysely_'));
  const rows: unknown[] = [];
  for (const table of tables) rows.push(table, await db.selectFrom(table as keyof Database).selectAll().execute());
  return JSON.stringify(rows);
}

const traces = (all: string) => ['Lucía', 'lucia@example.es', '612 345 678', '612-345-678', '612345678'].filter((trace) => all.includes(trace));

describeEachDatabase("a customer's requests", (kind) => {
  const database = useTestDatabase(kind);

  it('given a phone number, then the search finds her entries and every case that holds her details, and only hers; the audit log says who looked, not for what', async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const h = await givenHistory(db, branch!);

    const found = await findCustomerData(db, { phone: '612345678' }, HEAD_OFFICE, T0 + HOUR);
    expect(found.entries.map((e) => e.id).sort()).toEqual([h.e1.id, h.e5.id].sort());
    expect(found.entries.find((e) => e.id === h.e1.id)).toMatchObject({
      contact: { name: LUCIA.name, phone: LUCIA.phone, email: LUCIA.email },
      text: h.e1.text,
      // Made before consent versions: version 1, in the language she wrote in.
      consentGiven: { version: 1, text: consentTextOf(1, 'en') },
    });
    expect(found.cases.map((c) => [c.id, c.foundBy, c.status]).sort()).toEqual(
      [[h.c4, 'text', 'signed-off'], [h.c5, 'entry', 'open']].sort(),
    );
    expect(found.cases.find((c) => c.id === h.c4)!.events.map((e) => e.type)).toEqual(['opened', 'replied', 'signed-off']);

    // By e-mail: e1 alone; by reference: the entry that carries it, and its case.
    expect((await findCustomerData(db, { email: 'LUCIA@example.es' }, HEAD_OFFICE, T0 + HOUR)).entries.map((e) => e.id)).toEqual([h.e1.id]);
    const byReference = await findCustomerData(db, { reference: h.e5.referenceCode.toLowerCase() }, HEAD_OFFICE, T0 + HOUR);
    expect({ entries: byReference.entries.map((e) => e.id), cases: byReference.cases.map((c) => c.id) }).toEqual({ entries: [h.e5.id], cases: [h.c5] });

    const audit = await readAudit(db, { from: 0, to: T0 + 2 * HOUR, limit: 10 });
    expect(audit.map((a) => [a.action, a.actor, a.verified, a.address, a.subject])).toEqual([
      ['customer-search', 'HQ1', 'dashboard-session', '10.0.0.9', 'by phone'],
      ['customer-search', 'HQ1', 'dashboard-session', '10.0.0.9', 'by email'],
      ['customer-search', 'HQ1', 'dashboard-session', '10.0.0.9', 'by reference'],
    ]);
    expect(audit[0]!.detail).toEqual({ entries: found.entries.map((e) => e.id), cases: found.cases.map((c) => c.id) });
    expect(traces(JSON.stringify(audit))).toEqual([]);
  });

  it('given an erasure while one of her cases is open, then everything else of hers is blanked and the open case keeps what it needs and says so; after its sign-off a second erasure leaves nothing of her anywhere, and every figure stays', async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const h = await givenHistory(db, branch!);
    const figures = await figuresOf(db);

    const first = await eraseCustomerData(db, { phone: '+34 612 345 678' }, HEAD_OFFICE, T0 + HOUR);
    expect(first).toEqual({ ok: true, value: { erasedEntries: [h.e1.id], erasedCases: [h.c4], kept: [{ kind: 'entry', id: h.e5.id, why: 'case-open' }, { kind: 'case', id: h.c5, why: 'case-open' }] } });
    const e1 = await db.selectFrom('opinions').select(['text', 'contact_name', 'contact_phone', 'contact_email', 'had_contact']).where('id', '=', h.e1.id).executeTakeFirstOrThrow();
    expect(e1).toEqual({ text: BLANKED_TEXT, contact_name: null, contact_phone: null, contact_email: null, had_contact: 1 });
    // The other customer is untouched.
    expect((await findCustomerData(db, { phone: OTHER.phone }, HEAD_OFFICE, T0 + HOUR)).cases.map((c) => c.id)).toEqual([h.c2]);

    // The open case is handled to its end, and she asks again.
    await push(db, branch!.lobby, [caseEventAt(branch!, 'replied', h.c5, T0 + 2 * HOUR, { text: 'Card returned' }), caseEventAt(branch!, 'signed-off', h.c5, T0 + 3 * HOUR)], T0 + 3 * HOUR);
    const figuresAfterSignOff = await figuresOf(db);
    expect(await eraseCustomerData(db, { phone: '612345678' }, HEAD_OFFICE, T0 + 4 * HOUR)).toEqual({ ok: true, value: { erasedEntries: [h.e5.id], erasedCases: [h.c5], kept: [] } });

    expect(traces(await everything(db))).toEqual([]);
    expect((await findCustomerData(db, { phone: '612345678' }, HEAD_OFFICE, T0 + 4 * HOUR)).entries).toEqual([]);
    // The figures are as they were, also when rebuilt from the rows; the sign-off added its own.
    expect(figuresAfterSignOff.ratingDays).toEqual(figures.ratingDays);
    expect(await figuresOf(db)).toEqual(figuresAfterSignOff);
    await rebuildRollups(db, branch!.id);
    expect(await figuresOf(db)).toEqual(figuresAfterSignOff);

    // The tablets are told what to forget.
    expect(await db.selectFrom('blankings').select(['subject_kind', 'subject_id', 'reason']).orderBy('seq').execute()).toEqual([
      { subject_kind: 'opinion', subject_id: h.e1.id, reason: 'erasure' },
      { subject_kind: 'case', subject_id: h.c4, reason: 'erasure' },
      { subject_kind: 'opinion', subject_id: h.e5.id, reason: 'erasure' },
      { subject_kind: 'case', subject_id: h.c5, reason: 'erasure' },
    ]);
  });

  it('given an erased case, when a step made before the erasure arrives late from an offline tablet, then its words are blanked on arrival; a step made after keeps its own', async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const h = await givenHistory(db, branch!);
    await eraseCustomerData(db, { phone: '612345678' }, HEAD_OFFICE, T0 + HOUR);

    const late = caseEventAt(branch!, 'followed-up', h.c4, T0 + HOUR / 2, { outcome: 'satisfied', text: 'Called her back on 612 345 678' });
    const after = caseEventAt(branch!, 'reopened', h.c4, T0 + 2 * HOUR, { text: 'Customer called back about the new card' });
    await push(db, branch!.lobby, [late, after], T0 + 2 * HOUR);

    expect(await eventTexts(db, h.c4)).toEqual([BLANKED_TEXT, BLANKED_TEXT, null, BLANKED_TEXT, 'Customer called back about the new card']);
    expect(traces(JSON.stringify(await db.selectFrom('case_events').selectAll().where('case_id', '=', h.c4).execute()))).toEqual([]);
  });

  it('given the same reference code in two branches, then the search finds both, an erasure without the branch is refused and changes nothing, and with it erases that branch\'s only', async () => {
    const { db } = database.current;
    const [a, b] = await givenNetwork(db);
    expect(a!.lobby.referencePrefix).toBe(b!.lobby.referencePrefix);
    const code = referenceCode(a!.lobby.referencePrefix!, 4242);
    const inA = { ...opinionAt(a!, T0, { contact: LUCIA }), referenceCode: code };
    const inB = { ...opinionAt(b!, T0, { contact: OTHER }), referenceCode: code };
    await push(db, a!.lobby, [inA], T0);
    await push(db, b!.lobby, [inB], T0);

    expect((await findCustomerData(db, { reference: code }, HEAD_OFFICE, T0)).entries.map((e) => e.id).sort()).toEqual([inA.id, inB.id].sort());
    const refused = await eraseCustomerData(db, { reference: code }, HEAD_OFFICE, T0);
    expect(refused).toMatchObject({ ok: false, reason: 'ambiguous-reference', message: expect.stringContaining('is an entry of 2 branches') });
    expect((await findCustomerData(db, { phone: OTHER.phone }, HEAD_OFFICE, T0)).entries.map((e) => e.id)).toEqual([inB.id]);

    expect(await eraseCustomerData(db, { reference: code, branchId: a!.id }, HEAD_OFFICE, T0)).toEqual({ ok: true, value: { erasedEntries: [inA.id], erasedCases: [], kept: [] } });
    expect((await findCustomerData(db, { phone: OTHER.phone }, HEAD_OFFICE, T0)).entries.map((e) => e.id)).toEqual([inB.id]);
    expect((await findCustomerData(db, { reference: code, branchId: b!.id }, HEAD_OFFICE, T0)).entries.map((e) => e.id)).toEqual([inB.id]);
  });
});
