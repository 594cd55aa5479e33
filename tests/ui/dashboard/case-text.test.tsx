import { screen, within } from '@testing-library/preact';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { givenHeadOfficeAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { caseEventAt, givenNetwork, push, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const HOUR = 3_600_000;

/** What customers said: head office may read the escalated cases' only. */
const ESCALATED = { harbour: 'Mortgage fee taken twice', nanjing: 'ATM kept my card overnight' } as const;
const NOT_ESCALATED = { harbour: 'Rude answer, call me on +34 600 111 222', nanjing: 'Queue of an hour, my mobile is 138 0013 8000' } as const;

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe("the complaints page, a summary head office may not read", { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road and Nanjing Road each with a case escalated to head office and one their staff handle; head office (HQ1) has an account. */
  async function given() {
    const db = database.current.db;
    const [harbour, nanjing] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    for (const [branch, key] of [[harbour, 'harbour'], [nanjing, 'nanjing']] as const) {
      const escalated = uuidv7();
      await push(db, branch.lobby, [
        caseEventAt(branch, 'opened', uuidv7(), SERVER_NOW - 3 * HOUR, { role: 'lobby-staff', summary: NOT_ESCALATED[key] }),
        caseEventAt(branch, 'opened', escalated, SERVER_NOW - 2 * HOUR, { role: 'lobby-staff', summary: ESCALATED[key] }),
        caseEventAt(branch, 'escalated', escalated, SERVER_NOW - HOUR),
      ]);
    }
    await givenHeadOfficeAccount(database.current);
    return { server: await startDashboardServer(database.current) };
  }

  it('given head office in Spanish, then a case it may not read shows the note in place of its summary, sorts last either way, and its CSV carries the note, never the text', async () => {
    const { server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/complaints', language: 'es' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.complaints');
    const open = await screen.findByRole('table', { name: dashboard.t('dashboard.complaints.open') });
    const note = dashboard.t('dashboard.complaints.summaryHidden');
    const summaries = () => within(open).getAllByRole('rowheader').map((cell) => cell.textContent);

    expect(summaries().sort()).toEqual([ESCALATED.nanjing, ESCALATED.harbour, note, note].sort());
    for (const text of Object.values(NOT_ESCALATED)) expect(document.body.textContent).not.toContain(text);

    // Sorted by the summary: the readable ones in order, the hidden ones after them in both directions.
    const header = within(open).getByRole('button', { name: dashboard.t('dashboard.column.summary') });
    await dashboard.tabToElement(header, 'the summary column');
    await dashboard.user.keyboard('{Enter}');
    const first = header.closest('th')!.getAttribute('aria-sort');
    const readable = first === 'ascending' ? [ESCALATED.nanjing, ESCALATED.harbour] : [ESCALATED.harbour, ESCALATED.nanjing];
    expect(summaries()).toEqual([...readable, note, note]);
    await dashboard.user.keyboard('{Enter}');
    expect(summaries()).toEqual([...readable.reverse(), note, note]);

    await dashboard.press(`${dashboard.t('dashboard.table.export')}${dashboard.t('dashboard.table.exportOf', { title: dashboard.t('dashboard.complaints.open') })}`);
    const file = await dashboard.lastFile();
    const [head, ...rows] = Papa.parse<string[]>(file.text, { delimiter: ',', newline: '\r\n', skipEmptyLines: true }).data;
    expect(head![0]).toBe(dashboard.t('dashboard.column.summary'));
    expect(rows.map((row) => row[0])).toEqual(summaries());
    for (const text of [...Object.values(NOT_ESCALATED), '600 111 222', '138 0013 8000']) expect(file.text).not.toContain(text);
  });
});
