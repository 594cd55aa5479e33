import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { WaitingReport } from '../../../src/domain/queue.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenQueueSystem, settleMatcher, ticketEvents } from '../../server/reports/queue-given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

/** 23 November 2026 (a Monday) in UTC; Harbour Road is in Madrid, an hour ahead. */
const t = (hour: number, minute = 0, second = 0) => Date.UTC(2026, 10, 23, hour, minute, second);
const MINUTE = 60_000;

// A real server, scrypt at sign-in, the matcher and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('the Waiting time page, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) and its manager's account; head office HQ1. */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const manager = (await findTeller(db, harbour.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current);
    return { db, harbour, manager };
  }

  /**
   * A Monday at Harbour Road: from 09:00 (Madrid) four tickets at Window 1 waited 2, 4, 6 and 8
   * minutes; from 10:00 four at Window 2 waited 12, 20, 25 and 30. Each is served three minutes
   * and rated half a minute after: satisfied after a short wait, dissatisfied after a long one.
   */
  async function givenAMonday(harbour: GivenBranch) {
    const { db } = database.current;
    const post = await givenQueueSystem(db, harbour);
    const plan = [
      { hour: 8, waits: [2, 4, 6, 8], counter: '1' as const, device: 0 as const },
      { hour: 9, waits: [12, 20, 25, 30], counter: '2' as const, device: 1 as const },
    ];
    let n = 0;
    for (const { hour, waits, counter, device } of plan) {
      const ratings = [];
      for (const [i, wait] of waits.entries()) {
        const issued = t(hour, i * 5);
        const called = issued + wait * MINUTE;
        const ended = called + 3 * MINUTE;
        await post(ticketEvents(`A${String(++n).padStart(3, '0')}`, { issued, called, started: called, ended, counter }));
        ratings.push(ratingAt(harbour, ended + 30_000, { counter: device, teller: device, score: wait > 15 ? 'dissatisfied' : 'satisfied' }));
      }
      await push(db, harbour.counters[device], ratings);
    }
    await settleMatcher(db);
  }

  it('given a Monday of tickets, when the branch manager opens Waiting time, then the figures, the tables and the peak hours say in words which hour is over the target and where a flexible window would help', async () => {
    const { harbour, manager } = await given();
    await givenAMonday(harbour);
    const server = await startDashboardServer(database.current);
    const cookie = await signedIn(server, manager.staffNumber);
    const report = (await callDashboard(server, 'GET', `/api/reports/waiting?from=2026-11-01&to=2026-11-30&branchId=${harbour.id}`, { cookie })).body as WaitingReport;
    expect(report.hasQueueData).toBe(true);
    expect(report.total.tickets).toBe(8);

    const dashboard = await givenDashboard(server, { path: '/dashboard/waiting' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.waiting');
    // In the Reports group, after Counters.
    const reports = screen.getByRole('list', { name: dashboard.t('dashboard.nav.group.reports') });
    const names = within(reports).getAllByRole('link').map((link) => link.textContent);
    expect(names.indexOf(dashboard.t('dashboard.nav.waiting'))).toBe(names.indexOf(dashboard.t('dashboard.nav.counters')) + 1);

    // The whole period: 8 tickets, and the 90th percentile over the 15-minute target, said in words.
    const figures = await screen.findByRole('region', { name: dashboard.t('dashboard.waiting.figures') });
    const figure = (name: string) => within(figures).getByText(name).closest('div')!.querySelector('dd')!.textContent!;
    expect(figure(dashboard.t('dashboard.waiting.tickets'))).toContain('8');
    expect(figure(dashboard.t('dashboard.waiting.p90'))).toContain(dashboard.t('dashboard.waiting.target', { target: dashboard.t('dashboard.waiting.minutes', { value: 15 }) }));
    expect(figure(dashboard.t('dashboard.waiting.p90'))).toContain(dashboard.t('dashboard.waiting.over'));
    // The share called within the target, of those called.
    const within15 = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(report.total.withinTarget / report.total.waited);
    expect(figure(dashboard.t('dashboard.waiting.withinTarget', { target: dashboard.t('dashboard.waiting.minutes', { value: 15 }) }))).toContain(within15);

    // By counter, by their names (they come with the report): Window 2's 90th percentile is over the target, Window 1's is not.
    const byCounter = await screen.findByRole('table', { name: dashboard.t('dashboard.waiting.byCounter') });
    const row = (table: HTMLElement, name: string) => within(table).getByRole('rowheader', { name }).closest('tr')!;
    expect(row(byCounter, 'Window 2').textContent).toContain(dashboard.t('dashboard.waiting.over'));
    expect(row(byCounter, 'Window 1').textContent).not.toContain(dashboard.t('dashboard.waiting.over'));

    // By hour, in Madrid's hours: 10:00–11:00 is over, 09:00–10:00 within.
    const byHour = screen.getByRole('table', { name: dashboard.t('dashboard.waiting.byHour') });
    expect(within(byHour).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['09:00–10:00', '10:00–11:00']);
    expect(row(byHour, '10:00–11:00').textContent).toContain(dashboard.t('dashboard.waiting.over'));
    expect(row(byHour, '09:00–10:00').textContent).not.toContain(dashboard.t('dashboard.waiting.over'));
    const byWeekday = screen.getByRole('table', { name: dashboard.t('dashboard.waiting.byWeekday') });
    expect(within(byWeekday).getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['Monday']);

    // Satisfaction by waiting band: the shares of the four scores, with their names for a screen reader.
    const bands = screen.getByRole('table', { name: dashboard.t('dashboard.waiting.byBand') });
    const shortWait = row(bands, dashboard.t('dashboard.waiting.band.under', { to: 5 }));
    expect(shortWait.textContent).toContain(`${dashboard.t('counter.score.satisfied')}: 100%`);
    const longWait = row(bands, dashboard.t('dashboard.waiting.band.over', { from: 30 }));
    expect(longWait.textContent).toContain(`${dashboard.t('counter.score.dissatisfied')}: 100%`);

    // Peak hours: Monday 10:00–11:00 is marked over the target, and named as where a flexible window would help.
    const peak = screen.getByRole('table', { name: dashboard.t('dashboard.waiting.peak.table') });
    const mondayAt = (hour: string) => {
      const cells = row(peak, hour).querySelectorAll('td');
      expect(cells).toHaveLength(1);
      return cells[0]!.textContent!;
    };
    expect(mondayAt('10:00–11:00')).toContain(dashboard.t('dashboard.waiting.over'));
    expect(mondayAt('10:00–11:00')).toContain(dashboard.t('dashboard.waiting.peak.tickets', { n: 4 }));
    expect(mondayAt('09:00–10:00')).not.toContain(dashboard.t('dashboard.waiting.over'));
    const cell = report.peak.find((c) => c.hour === 10)!;
    expect(cell.overTarget).toBe(true);
    // In minutes, the number and its unit held together by a no-break space.
    const minutes = new Intl.NumberFormat('en', { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 1 }).format(cell.p90Ms! / MINUTE).replace(' ', '\u00a0');
    expect(screen.getByTestId('flexible-window').textContent).toBe(
      dashboard.t('dashboard.waiting.peak.advice_one', { hours: dashboard.t('dashboard.waiting.peak.hourAt', { day: 'Monday', hour: '10:00–11:00', wait: minutes }), target: 15 }),
    );

    // The hours' table as CSV: the minutes as numbers, over the target in words.
    await dashboard.press(new RegExp(`${dashboard.t('dashboard.table.export')}.*${dashboard.t('dashboard.waiting.byHour')}`));
    const file = await dashboard.lastFile();
    expect(file.name).toMatch(/^waiting-hours-2026-11-01-2026-11-\d\d\.csv$/);
    const lines = file.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      [dashboard.t('dashboard.waiting.column.hour'), dashboard.t('dashboard.waiting.tickets'), dashboard.t('dashboard.waiting.csv.median'), dashboard.t('dashboard.waiting.csv.p90'), dashboard.t('dashboard.waiting.csv.over'), dashboard.t('dashboard.waiting.withinShort'), dashboard.t('dashboard.waiting.csv.service')]
        .map((h) => `"${h}"`)
        .join(','),
    );
    expect(lines[2]).toMatch(/^"10:00–11:00",4,[\d.]+,[\d.]+,"Yes",[\d.]+,3$/);
  });

  it('given head office in Spanish and no queue system anywhere, then the page says how to connect one and leads to the Queue system page', async () => {
    const { harbour } = await given();
    await push(database.current.db, harbour.counters[0], [ratingAt(harbour, t(9))]);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: '/dashboard/waiting', language: 'es' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.waiting');

    expect(await screen.findByRole('heading', { level: 2, name: dashboard.t('dashboard.waiting.none.title') })).toBeTruthy();
    expect(screen.getByText(dashboard.t('dashboard.waiting.none.step1'))).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    await dashboard.press(dashboard.t('dashboard.waiting.none.link'), 'link');
    await dashboard.page('dashboard.nav.queue');
    expect(location.pathname).toBe('/dashboard/queue');
  });

  it('given head office sets the waiting target to 45 minutes in Regions & branches, then Waiting time judges against it: no hour is over it', async () => {
    const { harbour } = await given();
    await givenAMonday(harbour);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: '/dashboard/network' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.network');
    await screen.findByRole('heading', { level: 2, name: dashboard.t('dashboard.network.settingsTitle') });
    expect((screen.getByLabelText(dashboard.t('dashboard.network.waitTarget')) as HTMLInputElement).value).toBe('15');

    // Out of range is refused here, in words; 45 is saved.
    await dashboard.type(dashboard.t('dashboard.network.waitTarget'), '181');
    await dashboard.press(dashboard.t('dashboard.network.saveSettings'));
    expect(await screen.findByText(dashboard.t('dashboard.network.errors.waitTarget', { max: 180 }))).toBeTruthy();
    await dashboard.type(dashboard.t('dashboard.network.waitTarget'), '45');
    await dashboard.press(dashboard.t('dashboard.network.saveSettings'));
    expect(await screen.findByText(dashboard.t('dashboard.network.settingsSaved'))).toBeTruthy();

    await dashboard.press(dashboard.t('dashboard.nav.waiting'), 'link');
    await dashboard.page('dashboard.nav.waiting');
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    const advice = await screen.findByTestId('flexible-window');
    await waitFor(() => expect(advice.textContent).toBe(dashboard.t('dashboard.waiting.peak.noAdvice', { target: 45 })));
    const figures = screen.getByRole('region', { name: dashboard.t('dashboard.waiting.figures') });
    expect(figures.textContent).toContain(dashboard.t('dashboard.waiting.target', { target: dashboard.t('dashboard.waiting.minutes', { value: 45 }) }));
    expect(figures.textContent).not.toContain(dashboard.t('dashboard.waiting.over'));
  });
});
