import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import type { ReviewEntry } from '../../../src/domain/review.ts';
import { STAFF_IDLE_MS } from '../../../src/ui/cases/StaffDesk.tsx';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { anOpinion } from '../../builders/rating.ts';
import { nextFrame } from '../counter/given.tsx';
import { givenStaffTablet } from './given.tsx';

const HOUR = 3_600_000;

describe('Staff mode: lobby staff take a complaint in person', () => {
  it('given lobby staff, when they open a phone complaint, restate it and hand it to the complaint manager, then each step is kept in the outbox and the list shows the new owner and the 3-day deadline', async () => {
    const { signIn, press, type, t, tabTo, user, outboxTypes } = await givenStaffTablet();
    await signIn('2001');
    expect(screen.getByText(/Zhou Lan \(2001\) · Lobby staff/)).toBeVisible();
    expect(screen.queryByRole('button', { name: t('cases.nav.review') })).toBeNull();

    await press(t('cases.nav.new'));
    await screen.findByRole('heading', { name: t('cases.new.title') });
    await press(t('cases.new.open'));
    expect((await screen.findByText(t('cases.errors.summary-empty'))).getAttribute('role')).toBe('alert');
    // A radio group is one Tab stop; the arrow keys choose within it.
    await tabTo(t('cases.channel.in-person'), 'radio');
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect((screen.getByRole('radio', { name: t('cases.channel.phone') }) as HTMLInputElement).checked).toBe(true);
    await type(t('cases.new.summary'), 'Charged twice for one transfer');
    await press(t('cases.new.open'));

    await screen.findByRole('heading', { name: 'Charged twice for one transfer' });
    expect(screen.getByTestId('case-status').textContent).toBe(t('cases.status.open'));
    const actions = within(screen.getByRole('group', { name: t('cases.actionsLabel') }));
    expect(actions.getAllByRole('button').map((b) => b.textContent)).toEqual(['restated', 'answered-on-spot', 'deadline-agreed', 'handed-on'].map((a) => t(`cases.do.${a}`)));

    await press(t('cases.do.restated'));
    await press(t('cases.save'));
    expect((await screen.findByText(t('cases.errors.text-empty'))).getAttribute('role')).toBe('alert');
    await type(t('cases.field.restated'), 'Two debits of 120.00 on 20 November; one should be refunded');
    await press(t('cases.save'));
    await screen.findByText(t('cases.saved', { action: t('cases.action.restated') }));

    await press(t('cases.do.handed-on'));
    await tabTo(t('cases.field.handedTo'), 'combobox');
    await user.selectOptions(screen.getByLabelText(t('cases.field.handedTo')), STAFF_ID['complaint-manager']);
    await press(t('cases.save'));
    await screen.findByText(t('cases.saved', { action: t('cases.action.handed-on') }));
    // The list's owner comes from a live query: it follows the save, not with it.
    expect(await screen.findByText(t('cases.handedTo', { name: 'Ana Ortega (2002)' }))).toBeVisible();

    expect(await outboxTypes()).toEqual(['opened', 'restated', 'handed-on']);
    const history = () => screen.getAllByRole('listitem').filter((li) => li.classList.contains('history-item'));
    await waitFor(() => expect(history().map((li) => li.dataset.status)).toEqual(['pending', 'pending', 'pending']));

    await press(t('cases.backToList'));
    const row = await screen.findByRole('button', { name: /Charged twice for one transfer/ });
    // Handed on from the spot: three days to reply.
    expect(row.classList.contains('deadline-ok')).toBe(true);
    expect(row.textContent).toContain(t('cases.channel.phone'));
    expect(row.textContent).toContain(t('cases.owner', { name: 'Ana Ortega (2002)' }));
  });
});

describe('Staff mode: who may do what', () => {
  it('given a replied case, then only the branch manager is offered the sign-off; checked by the tablet alone they see it held back, and signed in with the server they sign off', async () => {
    const { signIn, online, pulled, press, t, outboxTypes, services } = await givenStaffTablet();
    const id = aCaseId();
    await pulled([{ event: aCaseEvent('opened', id, { createdAt: Date.now() - HOUR }) }, { event: aCaseEvent('replied', id, { createdAt: Date.now() - HOUR / 2 }) }]);
    const actions = () => within(screen.getByRole('group', { name: t('cases.actionsLabel') })).getAllByRole('button');
    const offered = () => actions().map((b) => b.textContent);
    const signOff = () => actions().find((b) => b.textContent === t('cases.do.signed-off'))!;

    await signIn('2002');
    await screen.findByRole('button', { name: /Charged twice for a transfer/ });
    await press(/Charged twice for a transfer/);
    expect(offered()).not.toContain(t('cases.do.signed-off'));
    expect(offered()).toContain(t('cases.do.followed-up'));
    await press(t('cases.signOut'));

    // The network is down: the tablet checked the branch manager's PIN itself.
    await signIn('2003');
    expect(screen.getByTestId('checked-by').textContent).toContain(t('staffSession.tablet'));
    await screen.findByRole('button', { name: /Charged twice for a transfer/ });
    await press(/Charged twice for a transfer/);
    expect(signOff()).toHaveProperty('disabled', true);
    // Escalation waits for the server too: both are the branch manager's formal acts.
    const note = screen.getByText(t('cases.needsServer', { actions: new Intl.ListFormat('en', { type: 'conjunction' }).format([t('cases.do.escalated'), t('cases.do.signed-off')]) }));
    expect(signOff().getAttribute('aria-describedby')).toBe(note.id);
    await press(t('cases.signOut'));

    online();
    await signIn('2003');
    expect(screen.getByTestId('checked-by').textContent).toContain(t('staffSession.server'));
    await screen.findByRole('button', { name: /Charged twice for a transfer/ });
    await press(/Charged twice for a transfer/);
    expect(signOff()).toHaveProperty('disabled', false);
    await press(t('cases.do.signed-off'));
    expect(screen.getByText(t('cases.signOffConfirm'))).toBeVisible();
    await press(t('cases.confirm.signed-off'));
    await waitFor(() => expect(screen.getByTestId('case-status').textContent).toBe(t('cases.status.signed-off')));
    expect(offered()).toEqual([t('cases.do.followed-up'), t('cases.do.reopened')]);
    expect(await outboxTypes()).toEqual(['signed-off']);
    const [row] = await services.db.outbox.toArray();
    expect(row!.record).toMatchObject({ attestation: { by: 'server', proof: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } });
    const history = screen.getAllByRole('listitem').filter((li) => li.classList.contains('history-item'));
    expect(history.map((li) => li.querySelector('[data-attestation]')?.getAttribute('data-attestation'))).toEqual(['tablet', 'tablet', 'server']);
  });

  it('given a teller on the roster, then the lobby does not open staff mode for them', async () => {
    const { tabTo, user, type, press, t } = await givenStaffTablet();
    await tabTo(t('staff.corner'));
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog', { name: t('staff.title') });
    await type(t('signIn.staffNumber'), '1001');
    await type(t('signIn.pin'), '2468');
    await press(t('staff.unlock'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(t('errors.not-here')));
    expect(screen.queryByRole('button', { name: t('cases.signOut') })).toBeNull();
  });
});

describe('Staff mode: the case list', () => {
  it('given cases near and past their deadlines, then overdue ones head the list in red, the nearest next in amber, replied and signed-off ones after', async () => {
    const { signIn, pulled, t } = await givenStaffTablet();
    const now = Date.now();
    const [overdue, amber, fresh, closed] = [aCaseId(), aCaseId(), aCaseId(), aCaseId()];
    await pulled([
      { event: aCaseEvent('opened', fresh, { createdAt: now - HOUR, summary: 'Fresh: card not delivered' }) },
      { event: aCaseEvent('opened', closed, { createdAt: now - 50 * HOUR, summary: 'Closed: wrong fee' }) },
      { event: aCaseEvent('answered-on-spot', closed, { createdAt: now - 49 * HOUR }) },
      { event: aCaseEvent('signed-off', closed, { createdAt: now - 48 * HOUR }) },
      { event: aCaseEvent('opened', amber, { createdAt: now - 20 * HOUR, summary: 'Amber: rude reply' }) },
      { event: aCaseEvent('opened', overdue, { createdAt: now - 30 * HOUR, summary: 'Overdue: queue of an hour' }) },
    ]);
    await signIn('2001');
    await screen.findByRole('heading', { name: t('cases.list.title') });
    const rows = screen.getAllByRole('button').filter((b) => b.classList.contains('case-row'));
    expect(rows.map((r) => r.querySelector('.case-summary')?.textContent)).toEqual(['Overdue: queue of an hour', 'Amber: rude reply', 'Fresh: card not delivered', 'Closed: wrong fee']);
    expect(rows.map((r) => [...r.classList].find((c) => c.startsWith('deadline-')))).toEqual(['deadline-red', 'deadline-amber', 'deadline-ok', 'deadline-none']);
    expect(rows[0]!.querySelector('.chip.deadline.red')?.textContent).toMatch(/^Overdue: reply was due 6 hours ago/);
    expect(screen.getByRole('button', { name: t('cases.nav.cases_other', { count: 3 }) })).toBeVisible();
  });

  it('given an action the server refused, then the list says so with the reason, and the case shows it in its history', async () => {
    const { signIn, pulled, press, t } = await givenStaffTablet();
    const id = aCaseId();
    await pulled([
      { event: aCaseEvent('opened', id, { summary: 'ATM kept the card' }) },
      { event: aCaseEvent('answered-on-spot', id) },
      { event: aCaseEvent('signed-off', id) },
      { event: aCaseEvent('replied', id), status: 'refused', reason: 'case-signed-off' },
    ]);
    await signIn('2002');
    await screen.findByRole('heading', { name: t('cases.refused.title_one', { count: 1 }) });
    const alert = document.querySelector('.refused-box')!;
    expect(alert.textContent).toContain(t('cases.refused.title_one', { count: 1 }));
    expect(alert.textContent).toContain(t('cases.refusal.case-signed-off'));
    await press(`${t('cases.action.replied')} · ATM kept the card`);
    const refused = await screen.findByText(t('cases.refusedBecause', { reason: t('cases.refusal.case-signed-off') }));
    expect(refused.closest('li')?.dataset.status).toBe('refused');
    expect(screen.getByTestId('case-status').textContent).toBe(t('cases.status.signed-off'));
  });
});

describe('Staff mode: the daily review', () => {
  const withContact = anOpinion({
    opinionKind: 'suggestion',
    text: 'Open a second window at lunchtime',
    referenceCode: '2E-2224',
    contact: { name: 'Ana Pérez', phone: '+34 600 111 222', email: '', wantsReply: false, consent: true },
  });
  const praise = anOpinion({ opinionKind: 'praise', text: 'Very kind staff', referenceCode: '2E-2225' });
  const complaint = anOpinion({ opinionKind: 'complaint', text: 'Waited 50 minutes', referenceCode: '2E-2226' });
  const entries: ReviewEntry[] = [withContact, praise, complaint].map((opinion) => ({ opinion, receivedAt: opinion.createdAt, readAt: null, readByStaffId: null }));

  /** The server's answer to GET /api/review, as the route sends it (tests/server/routes/review.test.ts proves the route). */
  const server: typeof fetch = async (input) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.pathname === '/api/review') return Response.json({ entries });
    return Promise.reject(new TypeError('fetch failed'));
  };

  it('given the day’s entries, when the complaint manager reads them, then each is marked read through the outbox, and the one with contact stays open until its case has a reply', async () => {
    const { signIn, online, press, type, t, services, user } = await givenStaffTablet();
    services.http.fetch = server;
    online();
    await signIn('2002');
    await press(t('cases.nav.review'));
    await screen.findByRole('heading', { name: t('cases.review.title') });
    const card = (code: string) => screen.getByText(code).closest('li') as HTMLElement;
    await waitFor(() => expect(card('2E-2224').dataset.state).toBe('unread'));
    expect(screen.getByTestId('review-counts').textContent).toBe(
      [t('cases.review.count.unread_other', { count: 3 }), t('cases.review.count.needs-case_other', { count: 0 }), t('cases.review.count.awaiting-reply_other', { count: 0 }), t('cases.review.count.closed_other', { count: 0 })].join(' · '),
    );
    expect(card('2E-2224').textContent).toContain('+34 600 111 222');

    /** Tabs to the button `name` inside one entry's card and presses Enter. */
    async function pressIn(code: string, name: string) {
      const button = within(card(code)).getByRole('button', { name });
      for (let i = 0; i < 60 && document.activeElement !== button; i++) await user.tab();
      expect(document.activeElement).toBe(button);
      await user.keyboard('{Enter}');
    }
    for (const code of ['2E-2224', '2E-2225', '2E-2226']) {
      await pressIn(code, t('cases.review.markRead'));
      await waitFor(() => expect(card(code).dataset.state).not.toBe('unread'));
    }
    expect(card('2E-2225').dataset.state).toBe('closed');
    expect(card('2E-2226').dataset.state).toBe('needs-case');
    expect(card('2E-2224').dataset.state).toBe('awaiting-reply');
    const reads = (await services.db.outbox.toArray()).map((row) => row.record);
    expect(reads.map((r) => r.kind)).toEqual(['entry-read', 'entry-read', 'entry-read']);
    // Each mark carries the session's signature: the server takes it as its own check.
    expect(reads.map((r) => (r as { attestation?: { by: string } }).attestation?.by)).toEqual(['server', 'server', 'server']);

    // The entry with contact: a case from it, with its text; still open until the reply.
    await pressIn('2E-2224', t('cases.review.openCase'));
    await screen.findByText(t('cases.new.fromEntry', { code: '2E-2224' }));
    expect((screen.getByLabelText(t('cases.new.summary')) as HTMLTextAreaElement).value).toBe('Open a second window at lunchtime');
    await press(t('cases.new.open'));
    await screen.findByRole('heading', { name: 'Open a second window at lunchtime' });
    await press(t('cases.do.replied'));
    await type(t('cases.field.replied'), 'We will open a second window from December');
    await press(t('cases.save'));
    await screen.findByText(t('cases.saved', { action: t('cases.action.replied') }));
    await press(t('cases.nav.review'));
    await waitFor(() => expect(card('2E-2224').dataset.state).toBe('closed'));
  });

  it('given no network, then the tablet alone checked the manager, the review says it needs a sign-in checked by the server (no customer detail leaves it), and cases still work', async () => {
    const { signIn, press, t } = await givenStaffTablet();
    await signIn('2003');
    await press(t('cases.nav.review'));
    expect((await screen.findByText(t('cases.review.needsServer'))).closest('[role=alert]')).toBeVisible();
    await press(t('cases.nav.cases_other', { count: 0 }));
    await screen.findByText(t('cases.list.empty'));
  });
});

describe('Staff mode: a desk left alone', () => {
  it('given staff walk away, then after three minutes and a countdown the tablet signs out and shows the opinion box', async () => {
    const { signIn, t, advance } = await givenStaffTablet({ fakeTimers: true });
    await signIn('2002');
    await advance(STAFF_IDLE_MS);
    await screen.findByRole('alertdialog', { name: t('cases.idle.title') });
    // The countdown runs a second per render, and Preact runs each effect after a frame: on a
    // busy machine the frames lag the fake clock, so the clock moves on until the desk is gone.
    const attract = () => screen.queryByRole('button', { name: new RegExp(t('lobby.attract.start')) });
    for (let i = 0; i < 120 && !attract(); i++) {
      await advance(1000);
      await nextFrame();
    }
    expect(attract()).not.toBeNull();
    expect(screen.queryByRole('button', { name: t('cases.signOut') })).toBeNull();
    await nextFrame();
    vi.useRealTimers();
  });
});
