import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase, type TestServer } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

/** Posts one event with a queue system's key, as the queue system does: the HTTP status. */
async function postWithKey(server: TestServer, key: string, counter: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/api/queue/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ events: [{ ticket: 'A023', type: 'called', at: SERVER_NOW - 60_000, counter }] }),
  });
  return response.status;
}

// A real server, scrypt at sign-in and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('Manage › Queue system, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) with Window 1 and Window 2, its manager's account; head office HQ1. */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const manager = (await findTeller(db, harbour.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current);
    return { db, harbour, manager, server: await startDashboardServer(database.current) };
  }

  it('given the branch manager, when they make a key, it is shown once and works; mapped counters take its events; revoked, it no longer works', async () => {
    const { harbour, manager, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/queue' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.queue');
    // In the Manage group, after Counters & lists.
    const manage = screen.getByRole('list', { name: dashboard.t('dashboard.nav.group.manage') });
    const names = within(manage).getAllByRole('link').map((link) => link.textContent);
    expect(names.indexOf(dashboard.t('dashboard.nav.queue'))).toBe(names.indexOf(dashboard.t('dashboard.nav.setup')) + 1);

    // Nothing heard yet; no key.
    const received = await screen.findByRole('region', { name: dashboard.t('dashboard.queue.received.title') });
    expect(within(received).getByText(dashboard.t('dashboard.queue.received.never'))).toBeTruthy();
    expect(screen.getByText(dashboard.t('dashboard.queue.systems.empty'))).toBeTruthy();

    // A name is required; then the key shows once, in a dialog, with a way to copy it.
    await dashboard.press(dashboard.t('dashboard.queue.systems.make'));
    expect(await screen.findByText(dashboard.t('dashboard.queue.errors.name', { max: 60 }))).toBeTruthy();
    await dashboard.type(dashboard.t('dashboard.queue.systems.name'), 'Lobby ticket machine');
    await dashboard.press(dashboard.t('dashboard.queue.systems.make'));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.queue.key.title', { name: 'Lobby ticket machine' }) });
    expect(within(dialog).getByText(dashboard.t('dashboard.queue.key.once'))).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: dashboard.t('dashboard.queue.key.copy') })).toBeTruthy();
    const key = within(dialog).getByTestId('queue-key').textContent!;
    expect(key.length).toBeGreaterThan(20);
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.queue.key.done') }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByText(key)).toBeNull();
    const keys = await screen.findByRole('table', { name: dashboard.t('dashboard.queue.systems.table', { branch: harbour.name }) });
    await waitFor(() => expect(within(keys).getByRole('rowheader', { name: 'Lobby ticket machine' }).closest('tr')!.textContent).toContain(dashboard.t('dashboard.queue.systems.active')));

    // Window 1 becomes "3" in the queue system; Window 2 cannot be "3" too: the page names who has it.
    await dashboard.type(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 1' }), '3');
    await dashboard.press(dashboard.t('dashboard.queue.codes.saveNamed', { counter: 'Window 1' }));
    expect(await screen.findByText(dashboard.t('dashboard.queue.codes.saved', { counter: 'Window 1', code: '3' }))).toBeTruthy();
    await waitFor(() => expect(screen.getByText(dashboard.t('dashboard.queue.codes.mapped_other', { mapped: 1, count: 2 }))).toBeTruthy());
    await dashboard.type(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 2' }), '3');
    await dashboard.press(dashboard.t('dashboard.queue.codes.saveNamed', { counter: 'Window 2' }));
    expect(await screen.findByText(dashboard.t('dashboard.queue.codes.errors.taken', { code: '3', counter: 'Window 1' }))).toBeTruthy();
    expect(screen.getByLabelText(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 2' })).getAttribute('aria-invalid')).toBe('true');
    // A code the queue system could not send is refused here.
    await dashboard.type(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 2' }), 'W 2');
    await dashboard.press(dashboard.t('dashboard.queue.codes.saveNamed', { counter: 'Window 2' }));
    expect(await screen.findByText(dashboard.t('dashboard.queue.codes.errors.format', { max: 16 }))).toBeTruthy();

    // The key works for the mapped counter.
    expect(await postWithKey(server, key, '3')).toBe(200);

    // How to connect: the address and the JSON shape, with the branch's own counter code.
    const how = screen.getByRole('region', { name: dashboard.t('dashboard.queue.how.title') });
    expect(how.textContent).toContain(`POST ${location.origin}/api/queue/events`);
    const sample = JSON.parse(within(how).getByLabelText(dashboard.t('dashboard.queue.how.sample')).textContent!) as { events: { type: string; counter?: string }[] };
    expect(sample.events.map((e) => e.type)).toEqual(['issued', 'called', 'started', 'ended']);
    expect(sample.events[1]!.counter).toBe('3');

    // Revoked after a question: the key stops working at once.
    await dashboard.press(dashboard.t('dashboard.queue.systems.revokeNamed', { name: 'Lobby ticket machine' }));
    const question = await screen.findByRole('dialog', { name: dashboard.t('dashboard.queue.systems.revokeTitle', { name: 'Lobby ticket machine' }) });
    await dashboard.user.click(within(question).getByRole('button', { name: dashboard.t('dashboard.queue.systems.revoke') }));
    expect(await screen.findByText(dashboard.t('dashboard.queue.systems.revoked', { name: 'Lobby ticket machine' }))).toBeTruthy();
    await waitFor(() => expect(within(keys).queryByRole('button', { name: dashboard.t('dashboard.queue.systems.revokeNamed', { name: 'Lobby ticket machine' }) })).toBeNull());
    expect(await postWithKey(server, key, '3')).toBe(401);
  });

  it('given a day\'s export, when the branch manager imports it, then the totals and the refused lines by number are shown, and the events are counted', async () => {
    const { db, harbour, manager, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/queue' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.queue');
    await screen.findByLabelText(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 1' }));
    await dashboard.type(dashboard.t('dashboard.queue.codes.label', { counter: 'Window 1' }), '3');
    await dashboard.press(dashboard.t('dashboard.queue.codes.saveNamed', { counter: 'Window 1' }));
    await screen.findByText(dashboard.t('dashboard.queue.codes.saved', { counter: 'Window 1', code: '3' }));

    // Without a file, nothing is sent.
    await dashboard.press(dashboard.t('dashboard.queue.import.send'));
    expect(await screen.findByText(dashboard.t('dashboard.queue.import.errors.noFile'))).toBeTruthy();

    // Today in Madrid; the last line names a counter the queue system has and we do not.
    const csv = ['ticket,event,time,counter,service', 'A001,issued,2026-11-23 09:00:00,,deposits', 'A001,called,2026-11-23 09:04:00,3,', 'A001,started,2026-11-23 09:04:10,3,', 'A001,ended,2026-11-23 09:09:00,3,', 'A002,called,2026-11-23 09:10:00,7,'].join('\n');
    const input = screen.getByLabelText(dashboard.t('dashboard.queue.import.file')) as HTMLInputElement;
    await dashboard.user.upload(input, new File([csv], 'export.csv', { type: 'text/csv' }));
    await dashboard.press(dashboard.t('dashboard.queue.import.send'));

    const resultOf = async () => (await screen.findByRole('heading', { level: 3, name: dashboard.t('dashboard.queue.import.done_other', { n: 5 }) })).parentElement!;
    const result = await resultOf();
    const counted = (label: string, shown = result) => within(shown).getByText(label).closest('div')!.querySelector('dd')!.textContent;
    expect(counted(dashboard.t('dashboard.queue.import.stored'))).toBe('4');
    expect(counted(dashboard.t('dashboard.queue.import.duplicate'))).toBe('0');
    expect(counted(dashboard.t('dashboard.queue.import.rejected'))).toBe('1');
    const problems = within(result).getByRole('table', { name: dashboard.t('dashboard.queue.import.problems_one') });
    const line = within(problems).getByRole('rowheader', { name: '6' }).closest('tr')!;
    expect(line.textContent).toContain(dashboard.t('dashboard.queue.import.reason.unknown-counter'));
    expect(await db.selectFrom('queue_events').select('ticket').where('branch_id', '=', harbour.id).execute()).toHaveLength(4);
    // Read again: the events are counted, the last one's time shown.
    const received = screen.getByRole('region', { name: dashboard.t('dashboard.queue.received.title') });
    await waitFor(() => expect(within(received).getByText(dashboard.t('dashboard.queue.received.today')).closest('div')!.querySelector('dd')!.textContent).toBe('4'));
    expect(within(received).queryByText(dashboard.t('dashboard.queue.received.never'))).toBeNull();

    // The same file again: all held already.
    await dashboard.user.upload(input, new File([csv], 'export.csv', { type: 'text/csv' }));
    await dashboard.press(dashboard.t('dashboard.queue.import.send'));
    await waitFor(async () => expect(counted(dashboard.t('dashboard.queue.import.duplicate'), await resultOf())).toBe('4'));
  });

  it('given a GB18030 export, then it is read as such: its Chinese service names are kept', async () => {
    const { db, harbour, manager, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/queue', language: 'zh-Hans' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.queue');
    // "对公业务" (corporate business) in GB18030, as a queue system in China writes it.
    const header = new TextEncoder().encode('ticket,event,time,counter,service\nB001,issued,2026-11-23 09:00:00,,');
    const gb = new Uint8Array([0xb6, 0xd4, 0xb9, 0xab, 0xd2, 0xb5, 0xce, 0xf1, 0x0a]);
    const input = await screen.findByLabelText(dashboard.t('dashboard.queue.import.file'));
    await dashboard.user.upload(input as HTMLInputElement, new File([header, gb], 'export.csv', { type: 'text/csv' }));
    await dashboard.press(dashboard.t('dashboard.queue.import.send'));
    await screen.findByRole('heading', { level: 3, name: dashboard.t('dashboard.queue.import.done_one', { n: 1 }) });
    expect(await db.selectFrom('queue_events').select('service_type').where('branch_id', '=', harbour.id).execute()).toEqual([{ service_type: '对公业务' }]);
  });

  it('given head office in Spanish with every branch, then the page asks for a branch first, and shows the chosen one', async () => {
    const { harbour, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/queue', language: 'es' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.queue');
    expect(screen.getByText(dashboard.t('dashboard.queue.pickBranch'))).toBeTruthy();
    // The period is not this page's: only the branch filter is offered.
    expect(screen.queryByLabelText(dashboard.t('dashboard.filters.period'))).toBeNull();
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    expect(await screen.findByRole('heading', { level: 2, name: dashboard.t('dashboard.queue.systems.title') })).toBeTruthy();
    expect(screen.getByRole('rowheader', { name: 'Window 2' })).toBeTruthy();
  });
});
