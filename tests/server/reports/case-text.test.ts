import { expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { ComplaintsReport } from '../../../src/domain/reports.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../fixtures.ts';
import { caseEventAt, givenNetwork, push, type GivenBranch } from './given.ts';

const DAY = '2026-11-23';
const HOUR = 3_600_000;

/** What customers said, as staff wrote it down, with the contact details customers often give: each in one case only. */
const SAID = {
  harbourOpen: 'Rude answer about my pension, call me back on +34 600 111 222',
  harbourEscalated: 'Mortgage fee taken twice, write to ana.perez@example.com',
  nanjingOpen: 'The machine kept my card, my mobile is 138 0013 8000',
} as const;
type CaseName = keyof typeof SAID;

/** The complaints report over real HTTP, with the body exactly as it came over the wire. */
async function complaintsAs(server: TestServer, cookie: string, branchId?: string): Promise<{ status: number; raw: string; report: ComplaintsReport }> {
  const query = new URLSearchParams({ from: DAY, to: DAY, ...(branchId === undefined ? {} : { branchId }) });
  const response = await fetch(`${server.baseUrl}/api/reports/complaints?${query}`, { headers: { cookie } });
  const raw = await response.text();
  return { status: response.status, raw, report: JSON.parse(raw) as ComplaintsReport };
}

describeEachDatabase('the open cases\' summaries: need to know', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * Harbour Road has a case its staff handle and one its manager escalated to head office;
   * Nanjing Road has a case of its own. Both branch managers (1103, 2103) and head office (HQ1)
   * have dashboard accounts.
   */
  async function given() {
    const db = database.current.db;
    const [harbour, nanjing] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const ids: Record<CaseName, string> = { harbourOpen: uuidv7(), harbourEscalated: uuidv7(), nanjingOpen: uuidv7() };
    const opened = (branch: GivenBranch, name: CaseName, at: number) => caseEventAt(branch, 'opened', ids[name], at, { role: 'lobby-staff', summary: SAID[name] });
    await push(db, harbour.lobby, [
      opened(harbour, 'harbourOpen', SERVER_NOW - 3 * HOUR),
      opened(harbour, 'harbourEscalated', SERVER_NOW - 2 * HOUR),
      caseEventAt(harbour, 'escalated', ids.harbourEscalated, SERVER_NOW - HOUR),
    ]);
    await push(db, nanjing.lobby, [opened(nanjing, 'nanjingOpen', SERVER_NOW - 2 * HOUR)]);
    for (const branch of [harbour, nanjing]) await givenRosterAccount(database.current, (await findTeller(db, branch.staff['branch-manager']))!);
    await givenHeadOfficeAccount(database.current);
    const server = await startTestServer({ db });
    const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    /** Each open case by name: its summary as sent, and whether it is marked hidden. */
    const summaries = (report: ComplaintsReport) => Object.fromEntries(report.open.map((row) => [nameOf.get(row.id), { summary: row.summary, summaryHidden: row.summaryHidden }]));
    return { server, harbour, nanjing, summaries };
  }

  it("given a branch manager, then they read every summary of their branch's open cases, escalated or not, and nothing of another branch", async () => {
    const { server, harbour, nanjing, summaries } = await given();

    const harbourManager = await complaintsAs(server, await signedIn(server, '1103'));
    expect(harbourManager.status).toBe(200);
    expect(summaries(harbourManager.report)).toEqual({
      harbourOpen: { summary: SAID.harbourOpen, summaryHidden: false },
      harbourEscalated: { summary: SAID.harbourEscalated, summaryHidden: false },
    });
    expect(harbourManager.raw).not.toContain(SAID.nanjingOpen);

    const nanjingManager = await complaintsAs(server, await signedIn(server, '2103'), nanjing.id);
    expect(summaries(nanjingManager.report)).toEqual({ nanjingOpen: { summary: SAID.nanjingOpen, summaryHidden: false } });
    // Another branch's report stays refused as before.
    expect((await complaintsAs(server, await signedIn(server, '2103'), harbour.id)).status).toBe(403);
  });

  it('given head office, then it reads the summaries of the cases escalated to it only; the others come as null, marked hidden, and their text is nowhere in the answer', async () => {
    const { server, harbour, summaries } = await given();
    const cookie = await signedIn(server, 'HQ1');

    const everyBranch = await complaintsAs(server, cookie);
    expect(everyBranch.status).toBe(200);
    expect(summaries(everyBranch.report)).toEqual({
      harbourOpen: { summary: null, summaryHidden: true },
      harbourEscalated: { summary: SAID.harbourEscalated, summaryHidden: false },
      nanjingOpen: { summary: null, summaryHidden: true },
    });
    // The rest of each row is head office's to see: the work at hand is still counted.
    expect([everyBranch.report.openCount, everyBranch.report.open.map((row) => row.branchName).sort()]).toEqual([3, ['Harbour Road', 'Harbour Road', 'Nanjing Road']]);
    // Not masked on the page, never sent: the body carries neither the words nor the contact details.
    expect(everyBranch.raw).toContain(JSON.stringify(SAID.harbourEscalated));
    for (const hidden of [SAID.harbourOpen, SAID.nanjingOpen, '600 111 222', '138 0013 8000', 'pension', 'kept my card']) expect(everyBranch.raw).not.toContain(hidden);

    const oneBranch = await complaintsAs(server, cookie, harbour.id);
    expect(summaries(oneBranch.report)).toEqual({
      harbourOpen: { summary: null, summaryHidden: true },
      harbourEscalated: { summary: SAID.harbourEscalated, summaryHidden: false },
    });
    expect(oneBranch.raw).not.toContain(SAID.harbourOpen);

    // Each answer that carried customers' words is in the audit log: who, from where, which cases.
    const audit = await readAudit(database.current.db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    const escalatedId = everyBranch.report.open.find((row) => !row.summaryHidden)!.id;
    expect(audit.map((a) => [a.action, a.actor, a.role, a.verified, a.address, a.detail])).toEqual([
      ['case-text-view', 'HQ1', 'head-office', 'dashboard-session', '127.0.0.1', { cases: [escalatedId] }],
      ['case-text-view', 'HQ1', 'head-office', 'dashboard-session', '127.0.0.1', { cases: [escalatedId] }],
    ]);
  });
});
