import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { SOUND_KEY } from '../../../src/ui/dashboard/alert-sound.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

/** The rating's time: a minute before the server's clock, 10:59 in Madrid. */
const RATED_AT = SERVER_NOW - 60_000;

// A real server, scrypt at sign-in, a live stream and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('the Alerts page, live against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) and its manager's dashboard account; head office HQ1. */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const manager = (await findTeller(db, harbour.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current);
    const server = await startDashboardServer(database.current);
    return { db, harbour, manager, server };
  }

  /** A "dissatisfied" tap at Window 1, pushed by its tablet as the sync engine does: the server raises its alert. */
  const dissatisfied = (harbour: GivenBranch) => push(database.current.db, harbour.counters[0], [ratingAt(harbour, RATED_AT, { score: 'dissatisfied', reasons: ['waiting-time', 'attitude'] })]);

  it('given the manager on the Alerts page with the stream live, when a dissatisfied rating is pushed, then it appears at once with the notice and the count, and is acknowledged with a required comment', async () => {
    const { harbour, manager, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/alerts', live: true });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.alerts');
    // Alerts is the first page of the Reports group.
    const reports = screen.getByRole('list', { name: dashboard.t('dashboard.nav.group.reports') });
    expect(within(reports).getAllByRole('link')[0]!.textContent).toBe(dashboard.t('dashboard.nav.alerts'));
    expect(await screen.findByText(dashboard.t('dashboard.alerts.noneOpen'))).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('alerts-stream').textContent).toContain(dashboard.t('dashboard.alerts.stream.live')));

    await dissatisfied(harbour);

    const headline = `${dashboard.t('dashboard.alerts.score.dissatisfied')} · ${dashboard.t('dashboard.alerts.place.counterTeller', { counter: 'Window 1', teller: 'Teller 11' })}`;
    const card = (await screen.findByRole('heading', { level: 3, name: new RegExp(escape(headline)) })).closest('li')!;
    expect(screen.getByRole('heading', { level: 2, name: dashboard.t('dashboard.alerts.openTitle_one', { count: 1 }) })).toBeTruthy();
    // The notice at the top, a polite live region with a link to the alert.
    const banner = document.querySelector<HTMLElement>('.alert-banner')!;
    expect(banner.getAttribute('aria-live')).toBe('polite');
    expect(banner.textContent).toContain(dashboard.t('dashboard.alerts.banner.new'));
    expect(within(banner).getByRole('link', { name: dashboard.t('dashboard.alerts.banner.see') })).toBeTruthy();
    expect(screen.getByRole('link', { name: new RegExp(dashboard.t('dashboard.alerts.navCount_one', { count: 1 })) })).toBeTruthy();
    // In plain words: the branch, when (on Madrid's clock), the reasons by their labels, who has it and when it goes up.
    expect(within(card).getByText('Harbour Road')).toBeTruthy();
    await waitFor(() => expect(within(card).getByText('Waited too long, Staff attitude')).toBeTruthy());
    expect(card.textContent).toContain('10:59');
    expect(card.textContent).toContain(dashboard.t('dashboard.alerts.levels.branch'));

    await dashboard.press(dashboard.t('dashboard.alerts.ackNamed', { what: dashboard.t('dashboard.alerts.score.dissatisfied'), branch: 'Harbour Road' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.alerts.ackTitle') });
    const comment = within(dialog).getByLabelText(dashboard.t('dashboard.alerts.comment'));
    await waitFor(() => expect(document.activeElement).toBe(comment));
    // Without a comment it is not sent.
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.alerts.ackConfirm') }));
    expect(within(dialog).getByText(dashboard.t('dashboard.alerts.errors.commentEmpty'))).toBeTruthy();
    await dashboard.user.keyboard('Spoke with the customer at the door; waiting time explained.');
    // Tab stays inside the dialog.
    for (let i = 0; i < 4; i++) {
      await dashboard.user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
    }
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.alerts.ackConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.alerts.acknowledgedDone'))).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    const done = screen.getByRole('region', { name: dashboard.t('dashboard.alerts.doneTitle') });
    await waitFor(() => expect(within(done).getByText('Spoke with the customer at the door; waiting time explained.')).toBeTruthy());
    expect(screen.getByText(dashboard.t('dashboard.alerts.noneOpen'))).toBeTruthy();
  });

  it('given the acknowledge dialog open, when head office acknowledges the alert first, then the 409 is said in plain words and the list shows it acknowledged', async () => {
    const { harbour, manager, server } = await given();
    await dissatisfied(harbour);
    const dashboard = await givenDashboard(server, { path: '/dashboard/alerts', live: true });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.alerts');
    await screen.findByRole('heading', { level: 3, name: new RegExp(escape(dashboard.t('dashboard.alerts.score.dissatisfied'))) });
    await dashboard.press(dashboard.t('dashboard.alerts.ackNamed', { what: dashboard.t('dashboard.alerts.score.dissatisfied'), branch: 'Harbour Road' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.alerts.ackTitle') });

    const cookie = await signedIn(server, 'HQ1');
    const list = await callDashboard(server, 'GET', '/api/alerts?state=open', { cookie });
    const [alert] = (list.body as { alerts: { id: string }[] }).alerts;
    const first = await callDashboard(server, 'POST', `/api/alerts/${alert!.id}/ack`, { cookie, body: { comment: 'Called the branch.' } });
    expect(first.status).toBe(200);

    await dashboard.user.type(within(dialog).getByLabelText(dashboard.t('dashboard.alerts.comment')), 'Me too.');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.alerts.ackConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.alerts.errors.conflict'))).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    const done = screen.getByRole('region', { name: dashboard.t('dashboard.alerts.doneTitle') });
    await waitFor(() => expect(within(done).getByText('Called the branch.')).toBeTruthy());
  });

  it('given an open alert, when its branch manager opens a case from it, then the summary is prefilled in the page language, and the alert shows "Case opened" with a link to Complaints', async () => {
    const { db, harbour, manager, server } = await given();
    await dissatisfied(harbour);
    const dashboard = await givenDashboard(server, { path: '/dashboard/alerts', live: true });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.alerts');
    const card = (await screen.findByRole('heading', { level: 3, name: new RegExp(escape(dashboard.t('dashboard.alerts.score.dissatisfied'))) })).closest('li')!;
    await waitFor(() => expect(within(card).getByText('Waited too long, Staff attitude')).toBeTruthy());

    await dashboard.press(dashboard.t('dashboard.alerts.caseNamed', { what: dashboard.t('dashboard.alerts.score.dissatisfied'), branch: 'Harbour Road' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.alerts.caseTitle') });
    const summary = within(dialog).getByLabelText(dashboard.t('dashboard.alerts.summaryLabel'));
    expect((summary as HTMLTextAreaElement).value).toBe('Dissatisfied rating at Window 1 (teller Teller 11) at 10:59. Reasons: Waited too long, Staff attitude.');
    await dashboard.user.type(summary, ' The customer wants a call back.');
    const topics = within(dialog).getByLabelText(dashboard.t('dashboard.alerts.topicLabel'));
    const offered = within(topics).getAllByRole('option').map((o) => (o as HTMLOptionElement).value).filter(Boolean);
    expect(offered.length).toBeGreaterThan(0);
    await dashboard.user.selectOptions(topics, offered[0]!);
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.alerts.caseConfirm') }));

    expect(await screen.findByText(dashboard.t('dashboard.alerts.caseDone'))).toBeTruthy();
    const done = screen.getByRole('region', { name: dashboard.t('dashboard.alerts.doneTitle') });
    expect(within(done).getByText(dashboard.t('dashboard.alerts.caseOpened'))).toBeTruthy();
    const link = within(done).getByRole('link', { name: dashboard.t('dashboard.alerts.caseLink') });
    expect(link.getAttribute('href')).toContain('/dashboard/complaints');
    // The case the server opened, as its branch's manager, with the edited summary and the topic.
    const opened = await db.selectFrom('case_events').select(['payload', 'case_id']).where('branch_id', '=', harbour.id).where('type', '=', 'opened').execute();
    expect(opened).toHaveLength(1);
    expect(JSON.parse(opened[0]!.payload)).toMatchObject({
      summary: 'Dissatisfied rating at Window 1 (teller Teller 11) at 10:59. Reasons: Waited too long, Staff attitude. The customer wants a call back.',
      topicId: offered[0],
    });
  });

  it('given a rating that reaches the server hours after it was made, then its alert is marked late with its real time, told but not as news to act on', async () => {
    const { harbour, manager, server } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/alerts', live: true });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.alerts');
    await waitFor(() => expect(screen.getByTestId('alerts-stream').textContent).toContain(dashboard.t('dashboard.alerts.stream.live')));
    // Given at 07:12 in Madrid (06:12 UTC), pushed at 11:00 when the tablet found the network again.
    await push(database.current.db, harbour.counters[1], [ratingAt(harbour, SERVER_NOW - (3 * 60 + 48) * 60_000, { score: 'dissatisfied', counter: 1, teller: 1 })]);
    const card = (await screen.findByRole('heading', { level: 3, name: new RegExp(escape(dashboard.t('dashboard.alerts.late'))) })).closest('li')!;
    expect(card.textContent).toContain(dashboard.t('dashboard.alerts.lateWhen', { given: '07:12', arrived: '11:00' }));
    expect(screen.getByText(dashboard.t('dashboard.alerts.banner.late'))).toBeTruthy();
  });

  it('given Spanish, then the page, the alert and the notice are in Spanish; and the Sound switch, off by default, is remembered on', async () => {
    const { harbour, manager, server } = await given();
    localStorage.removeItem(SOUND_KEY);
    const dashboard = await givenDashboard(server, { path: '/dashboard/alerts', live: true, language: 'es' });
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.alerts');
    expect(dashboard.t('dashboard.nav.alerts')).toBe('Alertas');
    await waitFor(() => expect(screen.getByTestId('alerts-stream').textContent).toContain('En directo'));

    const sound = screen.getByRole('checkbox', { name: 'Sonido' }) as HTMLInputElement;
    expect(sound.checked).toBe(false);
    await dashboard.tabTo('checkbox', 'Sonido');
    await dashboard.user.keyboard(' ');
    expect(sound.checked).toBe(true);
    expect(localStorage.getItem(SOUND_KEY)).toBe('on');

    await dissatisfied(harbour);
    expect(await screen.findByRole('heading', { level: 3, name: /Valoración insatisfecha · Window 1 \(cajero Teller 11\)/ })).toBeTruthy();
    await waitFor(() => expect(screen.getByText('Esperé demasiado, Actitud del personal')).toBeTruthy());
    expect(screen.getByText('Nueva alerta:')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Confirmar: Valoración insatisfecha, Harbour Road' })).toBeTruthy();

    // Another visit in this browser finds it on.
    dashboard.unmount();
    const again = await givenDashboard(server, { path: '/dashboard/alerts', live: true, language: 'es' });
    await again.signIn(manager.staffNumber);
    await again.page('dashboard.nav.alerts');
    expect((screen.getByRole('checkbox', { name: 'Sonido' }) as HTMLInputElement).checked).toBe(true);
    localStorage.removeItem(SOUND_KEY);
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
