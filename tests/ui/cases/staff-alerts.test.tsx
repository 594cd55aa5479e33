import { screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Language } from '../../../src/domain/language.ts';
import { issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { createDatabase } from '../../../src/store/db.ts';
import { loadDevice } from '../../../src/store/device.ts';
import { enrollDevice } from '../../../src/sync/enroll.ts';
import { signInStaff } from '../../../src/sync/staff-session.ts';
import { StaffDesk } from '../../../src/ui/cases/StaffDesk.tsx';
import { callDashboard, givenHeadOfficeAccount, signedIn } from '../../server/dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, push, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { renderWithServices, TEST_BASE_URL, text, uniqueDbName } from '../helpers.tsx';
import { staffAlertResources } from '../../../src/ui/components/staff-alerts-locales.ts';
import { addStaffLocales } from '../../../src/ui/components/staff-locales.ts';
import { addLobbyLocales } from '../../../src/ui/lobby/locales.ts';
import { useServices } from '../../../src/ui/services.tsx';
import { useState } from 'preact/hooks';

/** The rating's time: a minute before the server's clock. */
const RATED_AT = SERVER_NOW - 60_000;

// A real server, a real enrollment and staff sign-in, and the desk's requests over loopback: more than the default 5 s on a shared 2-core machine.
describe("alerts in the lobby tablet's staff mode, against the real server", { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /**
   * Harbour Road's lobby tablet, enrolled with the real server and showing the staff desk of
   * its branch manager (1103), signed in with the server. The tablet's fetch goes to the
   * server on loopback (jsdom's AbortSignal is not Node's: it is left out, as in the dashboard's tests).
   */
  async function given(language: Language = 'en') {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    // The PINs givenBranch set are the staff's own here, not one-time ones to change first.
    await db.updateTable('tellers').set({ pin_must_change: 0 }).execute();
    await givenHeadOfficeAccount(database.current);
    const server = await startTestServer({ db });
    // Counts the desk's answered polls of the alerts, so a test knows the desk has read them once.
    const polls = { answered: 0 };
    const tabletFetch: typeof fetch = async (input, init = {}) => {
      const { signal: _, ...rest } = init;
      const url = String(input instanceof Request ? input.url : input);
      const response = await fetch(url.replace(TEST_BASE_URL, server.baseUrl), rest);
      if (url.endsWith('/api/staff/alerts') && response.ok) polls.answered++;
      return response;
    };
    const http = { baseUrl: TEST_BASE_URL, fetch: tabletFetch };
    const code = await issueEnrollmentCode(db, { mode: 'lobby', branchId: harbour.id }, SERVER_NOW);
    if (!code.ok) throw new Error(code.message);
    const tabletDb = createDatabase(uniqueDbName());
    const enrolled = await enrollDevice(tabletDb, http, { code: code.value.code, appVersion: 'test' });
    if (!enrolled.ok) throw new Error(enrolled.message);
    const device = (await loadDevice(tabletDb))!;
    // The tablet's own clock (the session's end is on it), as a tablet signs in.
    const session = await signInStaff({ db: tabletDb, http }, { staffNumber: '1103', pin: '246802' });
    if (!session.ok) throw new Error(session.message);
    let signedOut = false;
    const rendered = renderWithServices(<Desk session={session.value} device={device} onSignOut={() => (signedOut = true)} />, { db: tabletDb, fetch: tabletFetch, language });
    const t = (key: string, values?: Record<string, string | number>) => localText(language, key, values);
    return { db, harbour, server, rendered, polls, user: userEvent.setup(), t, signedOut: () => signedOut };
  }

  const dissatisfied = (harbour: GivenBranch) => push(database.current.db, harbour.counters[0], [ratingAt(harbour, RATED_AT, { score: 'dissatisfied', reasons: ['waiting-time', 'attitude'] })]);

  it('given the desk open and online, when an alert is raised, then a notice says so, Alerts shows it with its count, and it is acknowledged with a comment', async () => {
    const { harbour, polls, user, t } = await given();
    await screen.findByRole('button', { name: t('staffAlerts.nav_other', { count: 0 }) });
    // The desk has read the alerts once (none): what comes after is news.
    await waitFor(() => expect(polls.answered).toBeGreaterThan(0));
    await dissatisfied(harbour);
    // The next poll (every 15 s) finds it; a press on Refresh is not needed.
    const notice = await screen.findByText(t('staffAlerts.notice', { what: t('staffAlerts.score.dissatisfied') }), {}, { timeout: 30_000 });
    const region = notice.closest('[aria-live="polite"]') as HTMLElement;
    expect(region).toBeTruthy();
    await user.click(within(region).getByRole('button', { name: t('staffAlerts.title') }));
    await screen.findByRole('heading', { level: 1, name: t('staffAlerts.title') });
    expect(screen.getByRole('button', { name: t('staffAlerts.nav_one', { count: 1 }) })).toBeTruthy();
    expect(screen.getByText(t('staffAlerts.reasons', { reasons: 'Waited too long, Staff attitude' }))).toBeTruthy();
    expect(screen.getByText(/Window 1 \(teller Teller 11\)/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: t('staffAlerts.ack') }));
    const dialog = await screen.findByRole('dialog', { name: t('staffAlerts.ackTitle') });
    await user.click(within(dialog).getByRole('button', { name: t('staffAlerts.ackConfirm') }));
    expect(within(dialog).getByText(t('staffAlerts.errors.commentEmpty'))).toBeTruthy();
    await user.type(within(dialog).getByLabelText(t('staffAlerts.comment')), 'Spoke with the customer in the lobby.');
    await user.click(within(dialog).getByRole('button', { name: t('staffAlerts.ackConfirm') }));
    expect(await screen.findByText(t('staffAlerts.acknowledgedDone'))).toBeTruthy();
    await waitFor(() => expect(screen.getByText(/Spoke with the customer in the lobby\./)).toBeTruthy());
    expect(screen.getByText(t('staffAlerts.noneOpen'))).toBeTruthy();
  });

  it('given an alert head office acknowledged first, when staff acknowledge it too, then the 409 is said in plain words and the list refreshed', async () => {
    const { harbour, server, user, t } = await given();
    await dissatisfied(harbour);
    await user.click(await screen.findByRole('button', { name: t('staffAlerts.nav_one', { count: 1 }) }, { timeout: 30_000 }));
    await user.click(await screen.findByRole('button', { name: t('staffAlerts.ack') }));
    const dialog = await screen.findByRole('dialog', { name: t('staffAlerts.ackTitle') });

    const cookie = await signedIn(server, 'HQ1');
    const list = await callDashboard(server, 'GET', '/api/alerts?state=open', { cookie });
    const [alert] = (list.body as { alerts: { id: string }[] }).alerts;
    expect((await callDashboard(server, 'POST', `/api/alerts/${alert!.id}/ack`, { cookie, body: { comment: 'Called the branch.' } })).status).toBe(200);

    await user.type(within(dialog).getByLabelText(t('staffAlerts.comment')), 'Me too.');
    await user.click(within(dialog).getByRole('button', { name: t('staffAlerts.ackConfirm') }));
    expect(await screen.findByText(t('staffAlerts.errors.conflict'))).toBeTruthy();
    await waitFor(() => expect(screen.getByText(/Called the branch\./)).toBeTruthy());
  });

  it('given an open alert, when staff open a case from it, then New case is prefilled with its teller, counter and reasons, and the alert is acknowledged with the new case', async () => {
    const { db, harbour, user, t } = await given();
    await dissatisfied(harbour);
    await user.click(await screen.findByRole('button', { name: t('staffAlerts.nav_one', { count: 1 }) }, { timeout: 30_000 }));
    await user.click(await screen.findByRole('button', { name: t('staffAlerts.openCase') }));
    const summary = (await screen.findByLabelText(text('en', 'cases.new.summary'))) as HTMLTextAreaElement;
    const time = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(RATED_AT);
    expect(summary.value).toBe(`Dissatisfied rating at Window 1 (teller Teller 11) at ${time}. Reasons: Waited too long, Staff attitude.`);
    expect(screen.getByText(t('staffAlerts.fromAlert'))).toBeTruthy();
    await user.click(screen.getByRole('button', { name: text('en', 'cases.new.open') }));

    // The alert is acknowledged on the server with the case the tablet opened.
    await waitFor(async () => {
      const row = await db.selectFrom('alerts').select(['case_id', 'acknowledged_at']).where('branch_id', '=', harbour.id).executeTakeFirstOrThrow();
      expect(row.case_id).toBeTruthy();
      expect(row.acknowledged_at).not.toBeNull();
    });
  });

  it('given Spanish and the tablet offline, then the desk says why Acknowledge is unavailable, in Spanish', async () => {
    const { harbour, user, t } = await given('es');
    await dissatisfied(harbour);
    await user.click(await screen.findByRole('button', { name: t('staffAlerts.nav_one', { count: 1 }) }, { timeout: 30_000 }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Alertas' })).toBeTruthy();
    expect(screen.getByText(/Valoración insatisfecha/)).toBeTruthy();
    const online = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      dispatchEvent(new Event('offline'));
      const ack = await screen.findByRole('button', { name: 'Confirmar' });
      await waitFor(() => expect((ack as HTMLButtonElement).disabled).toBe(true));
      expect(screen.getByText(t('staffAlerts.offline'))).toBeTruthy();
      expect(ack.getAttribute('aria-describedby')).toBe('staff-alerts-why');
    } finally {
      delete (navigator as { onLine?: boolean }).onLine;
      Object.defineProperty(Navigator.prototype, 'onLine', online);
      dispatchEvent(new Event('online'));
    }
  });
});

/** The staff desk with the lobby's texts (cases among them), which LobbyScreen adds before staff mode opens. */
function Desk(props: Parameters<typeof StaffDesk>[0]) {
  const { i18n } = useServices();
  useState(() => addLobbyLocales(i18n) && addStaffLocales(i18n));
  return <StaffDesk {...props} />;
}

/** A staff-alerts text read from its locale file (the tablet's shared texts through helpers' text()). */
function localText(language: Language, key: string, values: Record<string, string | number> = {}): string {
  let node: unknown = staffAlertResources[language];
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') return text(language, key, values);
  return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name]));
}
