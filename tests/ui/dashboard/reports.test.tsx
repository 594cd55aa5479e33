import { screen, waitFor, within } from '@testing-library/preact';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Rating } from '../../../src/domain/rating.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { caseEventAt, givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer, text } from './given.tsx';

const AT = SERVER_NOW - 30 * 60_000;

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe('the dashboard reports, against the real server', { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /**
   * Harbour Road (Madrid) and Nanjing Road (Shanghai), records pushed by their tablets today:
   * at Harbour Road, Teller 11 has 3 very satisfied and 1 satisfied; Teller 12 has 3
   * satisfied, 2 neutral and 1 dissatisfied (waiting time): (3 + 4) / 10 = 70%. One complaint
   * case, replied to and called back. Nanjing Road has 2 satisfied ratings. Harbour Road's
   * manager (1103) and head office (HQ1) have accounts.
   */
  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    const rate = (branch: GivenBranch, teller: 0 | 1, score: Rating['score'], reasons: string[] = []) => ratingAt(branch, AT, { teller, counter: teller, score, reasons });
    await push(database.current.db, harbour.counters[0], [...Array.from({ length: 3 }, () => rate(harbour, 0, 'very-satisfied')), rate(harbour, 0, 'satisfied')]);
    await push(database.current.db, harbour.counters[1], [
      ...Array.from({ length: 3 }, () => rate(harbour, 1, 'satisfied')),
      rate(harbour, 1, 'neutral'),
      rate(harbour, 1, 'neutral'),
      rate(harbour, 1, 'dissatisfied', ['waiting-time']),
    ]);
    await push(database.current.db, nanjing.counters[0], [rate(nanjing, 0, 'satisfied'), rate(nanjing, 0, 'satisfied')]);
    const caseId = uuidv7();
    await push(database.current.db, harbour.lobby, [
      caseEventAt(harbour, 'opened', caseId, AT, { channel: 'phone', summary: 'Card blocked abroad' }),
      caseEventAt(harbour, 'replied', caseId, AT + 60_000),
      caseEventAt(harbour, 'followed-up', caseId, AT + 120_000),
    ]);
    const manager = await findTeller(database.current.db, harbour.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    await givenHeadOfficeAccount(database.current);
    return { server: await startDashboardServer(database.current), harbour, nanjing, managerNumber: manager!.staffNumber };
  }

  it('given the manager of Harbour Road, then the overview shows the three figures against their targets, each with the sum it comes from', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.overview');
    const card = async (id: string) => (await screen.findByRole('heading', { level: 3, name: dashboard.t(`dashboard.figure.${id}`) })).closest('article')!;

    const satisfaction = await card('satisfaction');
    expect(within(satisfaction).getByText('70%')).toBeVisible();
    expect(satisfaction.textContent).toContain(dashboard.t('dashboard.target.at-least', { value: '80%' }));
    expect(satisfaction.textContent).toContain(dashboard.t('dashboard.judgement.missed'));
    expect(satisfaction.textContent).toContain('(3 very satisfied + 4 satisfied) / 10 ratings');

    const complaints = await card('complaint-rate');
    expect(within(complaints).getByText('10%')).toBeVisible();
    expect(complaints.textContent).toContain(dashboard.t('dashboard.target.at-most', { value: '5%' }));
    expect(complaints.textContent).toContain(dashboard.t('dashboard.judgement.missed'));
    expect(complaints.textContent).toContain('1 complaint case opened / 10 ratings');

    const followUp = await card('follow-up-rate');
    expect(within(followUp).getByText('100%')).toBeVisible();
    expect(followUp.textContent).toContain(dashboard.t('dashboard.judgement.met'));
    expect(followUp.textContent).toContain('1 case called back / 1 case replied to');

    // The four scores, each with its count and share.
    const rows = within(screen.getByRole('table', { name: dashboard.t('dashboard.overview.scores_other', { n: '10' }) })).getAllByRole('row');
    expect(rows.slice(1).map((row) => row.textContent?.trim())).toEqual(['Very satisfied330%', 'Satisfied440%', 'Neutral220%', 'Dissatisfied110%']);
  });

  it('given a dissatisfied rating the day before, when the manager reads today, then each figure shows its change against the day before, better or worse in words, and the period says it is not over', async () => {
    const { server, managerNumber, harbour } = await given();
    await push(database.current.db, harbour.counters[0], [ratingAt(harbour, AT - 24 * 60 * 60_000, { teller: 0, counter: 0, score: 'dissatisfied' })]);
    const dashboard = await givenDashboard(server, { path: '/dashboard?period=today' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.overview');
    const card = async (id: string) => (await screen.findByRole('heading', { level: 3, name: dashboard.t(`dashboard.figure.${id}`) })).closest('article')!;
    // The day before: 0 of 1 satisfied, no case; today 7 of 10, 1 case.
    const satisfaction = (await card('satisfaction')).querySelector('.figure-change')!.textContent!;
    expect(satisfaction).toMatch(/^▲ Up 70\.0 points on .+ \(0%\) · better$/);
    const complaints = (await card('complaint-rate')).querySelector('.figure-change')!.textContent!;
    expect(complaints).toMatch(/^▲ Up 10\.0 points on .+ \(0%\) · worse$/);
    // No case replied to the day before: nothing to compare with, said as such.
    expect((await card('follow-up-rate')).querySelector('.figure-change')!.textContent).toMatch(/^No figure for .+ to compare with$/);
    // Today is not over.
    expect(document.querySelector('.page-scope')!.textContent).toMatch(/\(so far\)$/);
  });

  it('given head office signed in as an account named "Head office", then the header does not repeat its role', async () => {
    const { server } = await given();
    await givenHeadOfficeAccount(database.current, 'HQ2', 'Head office');
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('HQ2');
    await dashboard.page('dashboard.nav.overview');
    const who = screen.getByRole('banner').querySelector('.db-who')!;
    expect(who.textContent?.trim()).toBe('Head office');
  });

  it('given the tellers, then a teller below the programme\'s target is marked in words with an icon, and one above it is not', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/tellers' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.tellers');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.ratings.tellers') });
    const rowOf = (name: string) => within(table).getByRole('rowheader', { name: new RegExp(`^${name}`) }).closest('tr')!;
    // Teller 12: 3 of 6 satisfied, 50%, below 80%.
    expect(rowOf('Teller 12').textContent).toContain(dashboard.t('dashboard.judgement.missed'));
    expect(rowOf('Teller 12').querySelector('.judged-icon')?.textContent).toBe('✗');
    expect(rowOf('Teller 11').textContent).not.toContain(dashboard.t('dashboard.judgement.missed'));
    // A manager's name says nothing of their role: the header shows it.
    expect(screen.getByRole('banner').querySelector('.db-role')?.textContent).toBe(dashboard.t('dashboard.role.branch-manager'));
  });

  it('given the overview, when the manager switches to Simplified Chinese, then every text changes, the sums too', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.overview');
    await screen.findByText('(3 very satisfied + 4 satisfied) / 10 ratings');
    await dashboard.choose(text('en', 'language.label'), text('zh-Hans', 'language.names.zh-Hans'));
    await screen.findByRole('heading', { level: 1, name: text('zh-Hans', 'dashboard.nav.overview') });
    expect(screen.getByText('（非常满意 3 + 满意 4）÷ 评价 10 条')).toBeVisible();
    expect(screen.getByRole('navigation', { name: text('zh-Hans', 'dashboard.nav.label') }).textContent).toContain(text('zh-Hans', 'dashboard.nav.day-close'));
    expect(document.title).toBe(`${text('zh-Hans', 'dashboard.nav.overview')} · ${text('zh-Hans', 'dashboard.title')}`);
  });

  it('given the tellers, when the manager sorts by satisfaction with the keyboard, then the rows and aria-sort follow, both ways', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/tellers' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.tellers');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.ratings.tellers') });
    const names = () => within(table).getAllByRole('rowheader').map((cell) => cell.textContent);
    const header = within(table).getByRole('columnheader', { name: new RegExp(dashboard.t('dashboard.figure.satisfaction')) });
    expect(header.getAttribute('aria-sort')).toBe('none');

    await dashboard.press(new RegExp(`^${dashboard.t('dashboard.figure.satisfaction')}`));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(names()).toEqual(['Teller 11Staff no. 1001', 'Teller 12Staff no. 1002']);
    // The focus stays on the header: Enter again turns the order round.
    await dashboard.user.keyboard('{Enter}');
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual(['Teller 12Staff no. 1002', 'Teller 11Staff no. 1001']);
    // The reasons in the reader's language, the four scores with their names for a screen reader.
    const row = within(table).getAllByRole('row')[1]!;
    expect(row.textContent).toContain('(1)');
    const scoreName = within(row).getByText(`${dashboard.t('counter.score.dissatisfied')}:`, { exact: false });
    expect(scoreName.classList.contains('visually-hidden')).toBe(true);
    expect(scoreName.closest('[aria-hidden=true]')).toBeNull();
  });

  it('given the tellers in Spanish, when the manager downloads the CSV, then it has a BOM, Spanish headers, the rows as sorted and the scores in columns', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/tellers', language: 'es' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.tellers');
    await screen.findByRole('table', { name: dashboard.t('dashboard.ratings.tellers') });
    await dashboard.press(new RegExp(`^${dashboard.t('dashboard.column.ratings')}`));
    await dashboard.press(new RegExp(`^${dashboard.t('dashboard.table.export')}`));
    const file = await dashboard.lastFile();
    expect(file.name).toBe('tellers-2026-11-01-2026-11-23.csv');
    expect(file.bom).toBe(true);
    const score = (key: string) => text('es', `counter.score.${key}`);
    // Opened as a spreadsheet reads it: text quoted, numbers bare, one column per field.
    expect(file.text.split('\r\n')[2]).toBe(`"Teller 11","1001",4,1,"${text('es', 'dashboard.judgement.met')}",3,1,0,0,""`);
    const parsed = Papa.parse<string[]>(file.text, { delimiter: ',', newline: '\r\n', skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toEqual([
      ['Cajero', 'Número de empleado', 'Valoraciones', 'Satisfacción', text('es', 'dashboard.csv.met', { figure: 'Satisfacción' }), score('very-satisfied'), score('satisfied'), score('neutral'), score('dissatisfied'), 'Motivos principales'],
      ['Teller 12', '1002', '6', '0.5', text('es', 'dashboard.judgement.missed'), '0', '3', '2', '1', expect.stringMatching(/ \(1\)$/)],
      ['Teller 11', '1001', '4', '1', text('es', 'dashboard.judgement.met'), '3', '1', '0', '0', ''],
    ]);
  });

  it('given head office, then Branches sets the branches side by side with their figures, sortable, and the branch picker offers all of them', async () => {
    const { server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/branches' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.branches');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.branches.title') });
    await dashboard.press(new RegExp(`^${dashboard.t('dashboard.figure.satisfaction')}`));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getByRole('rowheader').textContent)).toEqual(['Nanjing Road', 'Harbour Road']);
    expect(rows[1]!.textContent).toContain('(3 very satisfied + 4 satisfied) / 10 ratings');
    await dashboard.press(dashboard.t('dashboard.nav.overview'), 'link');
    await dashboard.page('dashboard.nav.overview');
    const picker = screen.getByLabelText<HTMLSelectElement>(dashboard.t('dashboard.filters.branch'));
    expect([...picker.options].map((o) => o.textContent)).toEqual([dashboard.t('dashboard.filters.allBranches'), 'Harbour Road', 'Nanjing Road']);
    await screen.findByText('(3 very satisfied + 6 satisfied) / 12 ratings');
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), 'Nanjing Road');
    await screen.findByText('(0 very satisfied + 2 satisfied) / 2 ratings');
    expect(new URLSearchParams(location.search).get('branch')).toBe(picker.value);
  });

  it('given the complaints, then the counts, the channel and the open cases show, and each table downloads', async () => {
    const { server, managerNumber, harbour } = await given();
    const caseId = uuidv7();
    await push(database.current.db, harbour.lobby, [caseEventAt(harbour, 'opened', caseId, AT, { channel: 'letter', summary: '=HYPERLINK("x") fee charged twice' })]);
    const dashboard = await givenDashboard(server, { path: '/dashboard/complaints' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.complaints');
    const open = await screen.findByRole('table', { name: dashboard.t('dashboard.complaints.open') });
    expect(within(open).getAllByRole('row')).toHaveLength(2);
    expect(open.textContent).toContain(dashboard.t('dashboard.channel.letter'));
    const channels = screen.getByRole('table', { name: dashboard.t('dashboard.complaints.byChannel') });
    const counted = within(channels).getAllByRole('row').slice(1).map((row) => [...row.children].slice(0, 2).map((cell) => cell.textContent));
    expect(counted).toContainEqual([dashboard.t('dashboard.channel.letter'), '1']);
    expect(counted).toContainEqual([dashboard.t('dashboard.channel.phone'), '1']);
    await waitFor(() => expect(screen.getAllByRole('button', { name: new RegExp(dashboard.t('dashboard.table.export')) })).toHaveLength(4));
    await dashboard.press(`${dashboard.t('dashboard.table.export')}${dashboard.t('dashboard.table.exportOf', { title: dashboard.t('dashboard.complaints.open') })}`);
    const file = await dashboard.lastFile();
    // The summary came from staff: its formula is shown as text, not run, whether the
    // spreadsheet splits on commas or (Excel in Spanish) on semicolons.
    expect(file.text.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""x""\) fee charged twice","Letter",/);
    for (const delimiter of [',', ';']) {
      const rows = Papa.parse<string[]>(file.text, { delimiter, newline: '\r\n', skipEmptyLines: true }).data;
      expect(rows.flat().filter((cell) => /^[ "]*[=+\-@\t\r]/.test(cell))).toEqual([]);
    }
    const [header, row] = Papa.parse<string[]>(file.text, { delimiter: ',', newline: '\r\n', skipEmptyLines: true }).data;
    expect(row).toHaveLength(header!.length);
    expect(row!.slice(0, 2)).toEqual(["'=HYPERLINK(\"x\") fee charged twice", dashboard.t('dashboard.channel.letter')]);
  });
});
