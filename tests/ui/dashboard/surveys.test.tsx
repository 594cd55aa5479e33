import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenSurvey, SURVEY_PERIOD } from '../../server/reports/survey-given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
const PATH = `/dashboard/survey-results?period=custom&from=${SURVEY_PERIOD.from}&to=${SURVEY_PERIOD.to}`;

// A real server and scrypt at each sign-in: more than the default 5 s on a shared 2-core machine.
describe('the Survey results page, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /**
   * The survey of survey-given.ts (Harbour Road: 3 responses, Nanjing Road: 2) and counter
   * ratings: Harbour Road very satisfied and dissatisfied (50%), Nanjing Road satisfied (100%).
   */
  async function given() {
    const { db } = database.current;
    const [harbour, nanjing] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    await push(db, harbour.counters[0], [ratingAt(harbour, at(23, 9), { score: 'very-satisfied' }), ratingAt(harbour, at(23, 10), { score: 'dissatisfied' })]);
    await push(db, nanjing.counters[0], [ratingAt(nanjing, at(24, 3), { score: 'satisfied' })]);
    await givenSurvey(db);
    return { harbour };
  }

  const figure = (dashboard: Awaited<ReturnType<typeof givenDashboard>>, key: string) => {
    const figures = screen.getByRole('region', { name: dashboard.t('dashboard.surveyResults.figures') });
    return within(figures).getByText(dashboard.t(key)).closest('div')!.querySelector('dd')!.textContent!;
  };

  it('given a branch manager, then their branch figures, each question, their customers comments and the counter ratings beside come in figures and words, and the channel narrows them', async () => {
    const { harbour } = await given();
    const manager = (await findTeller(database.current.db, harbour.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: PATH });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.survey-results');
    const reports = screen.getByRole('list', { name: dashboard.t('dashboard.nav.group.reports') });
    expect(within(reports).getByRole('link', { name: dashboard.t('dashboard.nav.survey-results') })).toBeTruthy();

    await screen.findByRole('region', { name: dashboard.t('dashboard.surveyResults.figures') });
    expect(figure(dashboard, 'dashboard.surveyResults.responses')).toContain('3');
    expect(figure(dashboard, 'dashboard.surveyResults.responses')).toContain(dashboard.t('dashboard.surveyResults.responsesBy', { lobby: 2, phone: 1 }));
    expect(figure(dashboard, 'dashboard.surveyResults.satisfaction')).toContain('66.7%');
    expect(figure(dashboard, 'dashboard.surveyResults.recommend')).toContain('+67');
    expect(figure(dashboard, 'dashboard.surveyResults.counter')).toContain('50%');

    // The reworded question in its current wording; the one version 2 dropped, said to be so.
    const card = (name: string) => screen.getByRole('region', { name });
    expect(within(card('How were we today?')).getByText(dashboard.t('dashboard.surveyResults.satisfied', { share: '66.7%' }))).toBeTruthy();
    expect(card('What did you come for?').textContent).toContain(dashboard.t('dashboard.surveyResults.older'));
    expect(card('What did you come for?').textContent).toContain(dashboard.t('dashboard.surveyResults.optionShare', { share: '50%', n: 1 }));
    const list = within(card('Anything else?')).getByRole('table');
    expect(within(list).getAllByRole('row').slice(1).map((row) => (row as HTMLTableRowElement).cells[0]!.textContent)).toEqual(['More staff at noon', 'Quick and kind']);
    expect(list.textContent).toContain('Español');

    const byBranch = screen.getByRole('table', { name: dashboard.t('dashboard.surveyResults.byBranch') });
    const row = within(byBranch).getByRole('rowheader', { name: 'Harbour Road' }).closest('tr')!;
    expect([...row.cells].map((cell) => cell.textContent)).toEqual(['Harbour Road', '3', '66.7%', '+67', '50%', '2']);
    await dashboard.press(new RegExp(`${dashboard.t('dashboard.table.export')}.*${dashboard.t('dashboard.surveyResults.byBranch')}`));
    const file = await dashboard.lastFile();
    expect(file.text.split('\r\n')[1]).toBe('"Harbour Road",3,0.6667,67,0.5,2');
    // The comments too, with where and when (csv.ts neutralizes what a spreadsheet would run).
    await dashboard.press(new RegExp(`${dashboard.t('dashboard.table.export')}.*${dashboard.t('dashboard.surveyResults.comments')}`));
    const comments = (await dashboard.lastFile()).text.split('\r\n');
    expect(comments.slice(1, 3)).toEqual(['"More staff at noon","2026-11-24","Harbour Road","Customer\'s phone","es"', '"Quick and kind","2026-11-23","Harbour Road","Lobby tablet","en"']);

    // The phone only: Harbour Road's one response from a phone.
    await dashboard.choose(dashboard.t('dashboard.surveyResults.channel'), dashboard.t('dashboard.surveyResults.channels.phone'));
    await waitFor(() => expect(figure(dashboard, 'dashboard.surveyResults.responses')).toMatch(/^1/));
    expect(figure(dashboard, 'dashboard.surveyResults.recommend')).toContain('0');
  });

  it('given head office in Spanish, then both branches side by side with their counter ratings, and the comments counted but not shown', async () => {
    await given();
    await givenHeadOfficeAccount(database.current);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: PATH, language: 'es' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.survey-results');
    await screen.findByRole('region', { name: dashboard.t('dashboard.surveyResults.figures') });
    expect(figure(dashboard, 'dashboard.surveyResults.responses')).toMatch(/^5/);
    expect(figure(dashboard, 'dashboard.surveyResults.recommend')).toContain('+40');
    expect(screen.getByRole('region', { name: '¿Algo más?' }).textContent).toContain(dashboard.t('dashboard.surveyResults.hidden', { n: 3 }));
    expect(screen.queryByText('Too slow')).toBeNull();

    const byBranch = screen.getByRole('table', { name: dashboard.t('dashboard.surveyResults.byBranch') });
    expect(within(byBranch).getAllByRole('rowheader').map((cell) => cell.textContent)).toEqual(['Harbour Road', 'Nanjing Road']);
    const pct = (value: number) => new Intl.NumberFormat('es', { style: 'percent', maximumFractionDigits: 1 }).format(value);
    const nanjing = within(byBranch).getByRole('rowheader', { name: 'Nanjing Road' }).closest('tr')!;
    expect([...nanjing.cells].map((cell) => cell.textContent)).toEqual(['Nanjing Road', '2', pct(0.5), '0', pct(1), '1']);
  });
});
