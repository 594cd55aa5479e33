import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenQueueSystem, settleMatcher, ticketEvents } from '../../server/reports/queue-given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

/** 23 November 2026 in UTC; Harbour Road is in Madrid, an hour ahead. */
const t = (hour: number, minute = 0, second = 0) => Date.UTC(2026, 10, 23, hour, minute, second);

// A real server, scrypt at sign-in, the matcher and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('the Flags page, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /**
   * Harbour Road with a queue system: Window 1 served A001 from 09:00 to 09:10 (Madrid), rated
   * at 09:11, and was rated again at 09:40 with no ticket; Window 2 got three "very satisfied"
   * in 25 seconds at 10:00. Its manager's account, and head office HQ1.
   */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const manager = (await findTeller(db, harbour.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current);
    const post = await givenQueueSystem(db, harbour);
    await post(ticketEvents('A001', { issued: t(7, 55), called: t(8), started: t(8), ended: t(8, 10), counter: '1' }));
    const rated = ratingAt(harbour, t(8, 11), { score: 'very-satisfied' });
    const lonely = ratingAt(harbour, t(8, 40), { score: 'dissatisfied' });
    await push(db, harbour.counters[0], [rated, lonely]);
    const burst = [0, 10, 25].map((s) => ratingAt(harbour, t(9, 0, s), { counter: 1, teller: 1, score: 'very-satisfied' }));
    await push(db, harbour.counters[1], burst);
    await settleMatcher(db);
    return { db, harbour, manager, lonely, burst, post, server: await startDashboardServer(database.current) };
  }

  /** The entry of a burst or run, by its heading ("Burst of ratings · Window 2"). */
  const groupOf = (name: RegExp) => screen.getByRole('heading', { level: 3, name }).closest('li')!;

  /** The row of a flagged rating, by its time as the table shows it. */
  const rowAt = (time: string) => within(screen.getByRole('table', { name: 'Flagged ratings' })).getByRole('rowheader', { name: new RegExp(time) }).closest('tr')!;

  it('given the branch manager, then each flagged rating says why in words with the evidence, and one kept out with a reason says who, when and why, and counts again', async () => {
    const { db, manager, lonely, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/flags' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.flags');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.flags.title') });
    // The one rating flagged alone has its row; the burst's three are one entry above the table.
    expect(within(table).getAllByRole('row')).toHaveLength(2);

    // The rating of 09:40 at Window 1 by Teller 11 (named with the list, no other read): no ticket was being served, and why, on Madrid's clock.
    const lonelyRow = rowAt('09:40');
    expect(lonelyRow.textContent).toContain('Window 1');
    expect(lonelyRow.textContent).toContain('Teller 11');
    expect(lonelyRow.textContent).toContain(dashboard.t('counter.score.dissatisfied'));
    expect(lonelyRow.textContent).toContain(dashboard.t('dashboard.flags.kind.no-ticket'));
    expect(lonelyRow.textContent).toContain(
      dashboard.t('dashboard.flags.evidence.noTicket', {
        before: dashboard.t('dashboard.flags.evidence.previousRated', { ticket: 'A001', time: '09:10' }),
        after: dashboard.t('dashboard.flags.evidence.noNext'),
      }),
    );
    // The burst at Window 2: three ratings in 25 seconds, the closest 10 apart, said once.
    const burst = groupOf(/Burst of ratings · Window 2/);
    expect(burst.textContent).toContain(dashboard.t('dashboard.flags.evidence.burst_other', { count: 3, span: '25 sec', gap: '10 sec', from: '10:00', to: '10:00' }));
    expect(burst.textContent).toContain('3 ratings');
    expect(lonelyRow.textContent).toContain(dashboard.t('dashboard.flags.counted'));

    // Keep it out: a reason is required, in the dialog.
    await dashboard.press(dashboard.t('dashboard.flags.excludeNamed', { time: '09:40:00', place: 'Window 1 · Teller 11' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.excludeTitle') });
    const reason = within(dialog).getByLabelText(dashboard.t('dashboard.flags.reason'));
    await waitFor(() => expect(document.activeElement).toBe(reason));
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.flags.excludeConfirm') }));
    expect(within(dialog).getByText(dashboard.t('dashboard.flags.errors.reasonShort', { min: 3 }))).toBeTruthy();
    await dashboard.user.keyboard('The teller tapped it while testing the tablet.');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.flags.excludeConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.excludedDone'))).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(rowAt('09:40').textContent).toContain(dashboard.t('dashboard.flags.excluded')));
    expect(rowAt('09:40').textContent).toContain('by Staff branch-manager');
    expect(rowAt('09:40').textContent).toContain('The teller tapped it while testing the tablet.');
    // Kept out of the assessment, never out of the records.
    expect(await db.selectFrom('rating_exclusions').select(['rating_id', 'reason']).execute()).toEqual([{ rating_id: lonely.id, reason: 'The teller tapped it while testing the tablet.' }]);
    expect(await db.selectFrom('ratings').select('id').where('id', '=', lonely.id).execute()).toHaveLength(1);

    // Count it again, with a reason too.
    await dashboard.press(dashboard.t('dashboard.flags.includeNamed', { time: '09:40:00', place: 'Window 1 · Teller 11' }));
    const back = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.includeTitle') });
    await dashboard.user.type(within(back).getByLabelText(dashboard.t('dashboard.flags.reason')), 'Checked with the customer.');
    await dashboard.user.click(within(back).getByRole('button', { name: dashboard.t('dashboard.flags.includeConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.includedDone'))).toBeTruthy();
    await waitFor(() => expect(rowAt('09:40').textContent).toContain(dashboard.t('dashboard.flags.counted')));
    expect(await db.selectFrom('rating_exclusions').select('rating_id').execute()).toEqual([]);
      });

  it('given the dialog open, when the rating is kept out elsewhere first, then the 409 is said in plain words and the list shows it kept out', async () => {
    const { manager, lonely, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/flags' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.flags');
    await screen.findByRole('table', { name: dashboard.t('dashboard.flags.title') });
    expect(rowAt('09:40').textContent).toContain('Window 1');
    await dashboard.press(dashboard.t('dashboard.flags.excludeNamed', { time: '09:40:00', place: 'Window 1 · Teller 11' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.excludeTitle') });

    const cookie = await signedIn(server, manager.staffNumber);
    const first = await callDashboard(server, 'POST', `/api/ratings/${lonely.id}/exclusion`, { cookie, body: { reason: 'Kept out from another desk.' } });
    expect(first.status).toBe(200);

    await dashboard.user.type(within(dialog).getByLabelText(dashboard.t('dashboard.flags.reason')), 'Me too.');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.flags.excludeConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.errors.conflict.exclude'))).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(rowAt('09:40').textContent).toContain('Kept out from another desk.'));
  });

  it('given head office in Simplified Chinese, then it sees the flags and who kept one out, and no button to change it; a rating kept out that the rules no longer flag says so', async () => {
    const { db, manager, lonely, post, server } = await given();
    const cookie = await signedIn(server, manager.staffNumber);
    expect((await callDashboard(server, 'POST', `/api/ratings/${lonely.id}/exclusion`, { cookie, body: { reason: '柜员测试平板时误按。' } })).status).toBe(200);
    // The queue system's export then brings a ticket that ended a minute before it: the rule no longer flags it.
    await post(ticketEvents('A002', { issued: t(8, 20), called: t(8, 30), started: t(8, 30), ended: t(8, 39), counter: '1' }));
    await settleMatcher(db);
    const dashboard = await givenDashboard(server, { path: '/dashboard/flags', language: 'zh-Hans' });
    const setup = vi.spyOn(dashboard.services.api, 'setup');
    const staff = vi.spyOn(dashboard.services.api, 'staff');
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.flags');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.flags.title') });
    // Head office reads; only the branch's manager acts.
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    const acts = ['exclude', 'include'].map((act) => dashboard.t(`dashboard.flags.${act}`).replace('…', ''));
    expect(screen.queryAllByRole('button', { name: new RegExp(acts.join('|')) })).toEqual([]);
    const burst = screen.getByRole('heading', { level: 3, name: new RegExp(dashboard.t('dashboard.flags.kind.burst')) }).closest('li')!;
    expect(burst.textContent).toContain(dashboard.t('dashboard.flags.groupRatings_other', { count: 3 }));
    expect(table.textContent).toContain(dashboard.t('dashboard.flags.excluded'));
    expect(table.textContent).toContain('柜员测试平板时误按。');
    const kept = within(table).getByText('柜员测试平板时误按。').closest('tr')!;
    expect(kept.textContent).toContain(dashboard.t('dashboard.flags.noLongerFlagged'));
    // Each row names its branch, counter and teller as the server read them with the flags: head
    // office's list across many branches reads no branch's setup or roster for names.
    for (const name of ['Harbour Road', 'Window 1', 'Teller 11']) expect(kept.textContent).toContain(name);
    expect(burst.textContent).toContain('Window 2');
    expect(setup).not.toHaveBeenCalled();
    expect(staff).not.toHaveBeenCalled();
  });

  it('given a burst of three, then it is one entry with the evidence once; its disclosure lists the three, each with its own button; Keep all out with one reason keeps each out, and Count all again counts them again', async () => {
    const { db, manager, burst, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/flags' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.flags');
    await screen.findByRole('table', { name: dashboard.t('dashboard.flags.title') });
    const group = groupOf(/Burst of ratings · Window 2/);
    expect(group.textContent).toContain(dashboard.t('dashboard.flags.groupRatings_other', { count: 3 }));
    expect(group.textContent).toContain(dashboard.t('dashboard.flags.groupKept', { kept: 0, count: 3 }));
    // The evidence once, not once a rating.
    expect(within(group).getAllByText(/3 ratings in 25 sec/)).toHaveLength(1);

    // The disclosure: the three ratings, each with its own button, reachable by keyboard.
    const details = group.querySelector('details')!;
    expect(details.open).toBe(false);
    const summary = within(group).getByText(dashboard.t('dashboard.flags.groupShow_other', { count: 3 }));
    // A real <summary>: the browser opens it on Enter or Space too.
    expect(summary.tagName).toBe('SUMMARY');
    await dashboard.user.click(summary);
    await waitFor(() => expect(details.open).toBe(true));
    const members = details.querySelectorAll('li.flag-member');
    expect(members).toHaveLength(3);
    for (const time of ['10:00:00', '10:00:10', '10:00:25'])
      expect(within(details).getByRole('button', { name: dashboard.t('dashboard.flags.excludeNamed', { time, place: 'Window 2 · Teller 12' }) })).toBeTruthy();

    // Keep all out: one dialog, one reason, each rating kept out.
    await dashboard.user.click(within(group).getByRole('button', { name: /^Keep all 3 out…\s*\(burst of ratings at Window 2, / }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.excludeAllTitle_other', { count: 3 }) });
    await dashboard.user.type(within(dialog).getByLabelText(dashboard.t('dashboard.flags.reason')), 'A child pressed the tablet.');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.flags.excludeAllConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.excludedAllDone_other', { count: 3 }))).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    const kept = await db.selectFrom('rating_exclusions').select(['rating_id', 'reason']).orderBy('rating_id').execute();
    expect(kept).toEqual(burst.map((rating) => ({ rating_id: rating.id, reason: 'A child pressed the tablet.' })).sort((a, b) => a.rating_id.localeCompare(b.rating_id)));
    expect(await db.selectFrom('ratings').select('id').where('id', 'in', burst.map((rating) => rating.id)).execute()).toHaveLength(3);
    await waitFor(() => expect(groupOf(/Burst of ratings · Window 2/).textContent).toContain(dashboard.t('dashboard.flags.groupKept', { kept: 3, count: 3 })));

    // All kept out: Count all again, the same way.
    await dashboard.user.click(within(groupOf(/Burst of ratings · Window 2/)).getByRole('button', { name: /^Count all again…\s*\(burst of ratings at Window 2, / }));
    const back = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.includeAllTitle_other', { count: 3 }) });
    await dashboard.user.type(within(back).getByLabelText(dashboard.t('dashboard.flags.reason')), 'Checked: they were customers.');
    await dashboard.user.click(within(back).getByRole('button', { name: dashboard.t('dashboard.flags.includeAllConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.includedAllDone_other', { count: 3 }))).toBeTruthy();
    expect(await db.selectFrom('rating_exclusions').select('rating_id').execute()).toEqual([]);
  });

  it('given one rating of a burst kept out elsewhere and another the server refuses, when Keep all out, then it stops there and says how many were kept out and what failed', async () => {
    const { db, manager, burst, server } = await given();
    const cookie = await signedIn(server, manager.staffNumber);
    expect((await callDashboard(server, 'POST', `/api/ratings/${burst[2]!.id}/exclusion`, { cookie, body: { reason: 'Kept out first.' } })).status).toBe(200);
    const dashboard = await givenDashboard(server, { path: '/dashboard/flags' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.flags');
    await screen.findByRole('table', { name: dashboard.t('dashboard.flags.title') });
    const group = groupOf(/Burst of ratings · Window 2/);
    expect(group.textContent).toContain(dashboard.t('dashboard.flags.groupKept', { kept: 1, count: 3 }));
    // The second of the two left is refused.
    const real = dashboard.services.api.excludeRating.bind(dashboard.services.api);
    let calls = 0;
    vi.spyOn(dashboard.services.api, 'excludeRating').mockImplementation(async (id, reason) => ((calls += 1) === 2 ? { ok: false, reason: 'forbidden', message: 'refused' } : real(id, reason)));
    await dashboard.user.click(within(group).getByRole('button', { name: /^Keep all 3 out…\s*\(burst of ratings/ }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.flags.excludeAllTitle_other', { count: 3 }) });
    await dashboard.user.type(within(dialog).getByLabelText(dashboard.t('dashboard.flags.reason')), 'Not customers.');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.flags.excludeAllConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.flags.excludeAllStopped', { done: 1, count: 2, problem: dashboard.t('dashboard.flags.errors.forbidden') }))).toBeTruthy();
    expect(calls).toBe(2);
    expect(await db.selectFrom('rating_exclusions').select('rating_id').execute()).toHaveLength(2);
    await waitFor(() => expect(groupOf(/Burst of ratings · Window 2/).textContent).toContain(dashboard.t('dashboard.flags.groupKept', { kept: 2, count: 3 })));
  });
});
