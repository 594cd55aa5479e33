import { act, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/case.ts';
import { DAY_MS } from '../../../src/domain/privacy.ts';
import type { Language } from '../../../src/domain/language.ts';
import type { BranchVoiceDB, QuarantineRow } from '../../../src/store/db.ts';
import { aCaseEvent, aCaseId } from '../../builders/case-event.ts';
import { anOpinion, aRating } from '../../builders/rating.ts';
import { givenCounterTablet, pluralText } from '../counter/given.tsx';
import { text } from '../helpers.tsx';
import { givenStaffTablet } from './given.tsx';

// "Refused records": what the server refused, as staff see it on a tablet, in their language,
// by keyboard; an entry's contact details and words never on screen; each row discarded only
// after a confirmation, and the status corner's count following.
const REFUSED_AT = Date.UTC(2026, 11, 1, 9);
const PHONE = '+852 9123 4567';

const entry = anOpinion({
  opinionKind: 'complaint',
  topicId: 'fees',
  text: 'The teller was rude about my card fee',
  contact: { name: 'Wang Fang', phone: PHONE, email: '', wantsReply: true, consent: true },
  createdAt: Date.UTC(2026, 10, 30, 15, 5),
});
const step = aCaseEvent('restated', aCaseId(), { createdAt: Date.UTC(2026, 10, 30, 16, 0) });
const rating = aRating({ score: 'dissatisfied', createdAt: Date.UTC(2026, 10, 30, 17, 0) });

/** The three refused records, the entry refused last (so it heads the list), with the server's messages. */
const ROWS: QuarantineRow[] = [
  { recordId: rating.id, kind: 'rating', record: rating, reason: 'some-new-reason', message: 'refused for a reason this app has no words for', quarantinedAt: REFUSED_AT },
  { recordId: step.id, kind: 'case-event', record: step, reason: 'unknown-staff', message: `staffId ${step.staffId} is not lobby staff here`, quarantinedAt: REFUSED_AT + 60_000 },
  { recordId: entry.id, kind: 'opinion', record: entry, reason: 'unknown-topic', message: `contact.phone: ${PHONE} is odd`, quarantinedAt: REFUSED_AT + 120_000 },
];

const longDate = (at: number, language: Language) => new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(at);
const dateTime = (at: number, language: Language) => new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
const refusedRows = () => screen.getAllByRole('listitem').filter((li) => li.classList.contains('refused-record'));

async function givenRefused(db: BranchVoiceDB, rows: QuarantineRow[] = ROWS) {
  await act(async () => void (await db.quarantine.bulkAdd(rows)));
}

describe('Refused records in the lobby’s staff mode', () => {
  it('given three refused records, when lobby staff open them by keyboard, then each shows its kind, when it was made, why in their words and when it goes, and nothing the customer wrote', async () => {
    const { signIn, press, t, services } = await givenStaffTablet();
    await givenRefused(services.db);
    await signIn('2001');

    // The tab follows the quarantine's count, a live query: it is there once that has been read.
    await screen.findByRole('button', { name: pluralText('en', 'quarantine.open', 3) });
    await press(pluralText('en', 'quarantine.open', 3));
    await screen.findByRole('heading', { level: 1, name: t('quarantine.title') });
    await waitFor(() => expect(refusedRows()).toHaveLength(3));
    const [first, second, third] = refusedRows() as [HTMLElement, HTMLElement, HTMLElement];

    // The entry: its kind and topic, that contact details came with it, and no more.
    expect(within(first).getByRole('heading', { level: 2 }).textContent).toBe(t('quarantine.kind.opinion'));
    expect(first.textContent).toContain(t('quarantine.opinion', { kind: t('quarantine.opinionKind.complaint'), topic: 'Fees and charges' }));
    expect(first.textContent).toContain(t('quarantine.contactGiven'));
    expect(first.textContent).toContain(dateTime(entry.createdAt, 'en'));
    expect(first.textContent).toContain(t('quarantine.reason.unknown-topic'));
    expect(first.textContent).toContain(longDate(REFUSED_AT + 120_000 + 30 * DAY_MS, 'en'));
    for (const secret of [PHONE, 'Wang Fang', entry.text, 'rude']) expect(document.body.textContent).not.toContain(secret);

    // The case step: its kind and step, the reason, and the server's message as detail.
    expect(within(second).getByRole('heading', { level: 2 }).textContent).toBe(t('quarantine.kind.case-event'));
    expect(second.textContent).toContain(t('cases.action.restated'));
    expect(second.textContent).not.toContain((step as Extract<CaseEvent, { type: 'restated' }>).text);
    expect(second.textContent).toContain(t('quarantine.reason.unknown-staff'));
    const detail = second.querySelector('details')!;
    expect(detail.querySelector('summary')?.textContent).toBe(t('quarantine.serverMessage'));
    expect(detail.querySelector('p')?.textContent).toBe(ROWS[1]!.message);
    // The entry's message is not offered: it may quote what the customer wrote.
    expect(first.querySelector('details')).toBeNull();

    // A reason this app has no words for: said as such, with its code.
    expect(third.textContent).toContain(t('counter.score.dissatisfied'));
    expect(third.textContent).toContain(t('quarantine.reason.other', { code: 'some-new-reason' }));
    expect(screen.getByTestId('quarantined').textContent).toBe(pluralText('en', 'status.quarantined', 3));
  });

  it('given a refused record, when staff press Discard, then a confirmation takes the focus; Keep it changes nothing, Discard for good removes it and the status corner counts one less', async () => {
    const { signIn, press, t, services, user } = await givenStaffTablet();
    await givenRefused(services.db);
    await signIn('2001');
    // The tab follows the quarantine's count, a live query: it is there once that has been read.
    await screen.findByRole('button', { name: pluralText('en', 'quarantine.open', 3) });
    await press(pluralText('en', 'quarantine.open', 3));
    await waitFor(() => expect(refusedRows()).toHaveLength(3));

    const stepRow = refusedRows()[1]!;
    const discard = within(stepRow).getByRole('button', { name: t('quarantine.discard') });
    // The button says which record it discards to a screen reader: the row's kind.
    expect(discard.getAttribute('aria-describedby')).toBe(within(stepRow).getByRole('heading').id);
    discard.focus();
    await user.keyboard('{Enter}');
    const question = await within(stepRow).findByRole('group', { name: t('quarantine.confirmQuestion') });
    await waitFor(() => expect(document.activeElement).toBe(within(question).getByRole('button', { name: t('quarantine.keep') })));

    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement?.textContent).toBe(t('quarantine.discard')));
    expect(await services.db.quarantine.count()).toBe(3);

    await user.keyboard('{Enter}');
    const confirm = await within(stepRow).findByRole('button', { name: t('quarantine.confirm') });
    confirm.focus();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(refusedRows().map((li) => li.dataset.recordId)).toEqual([entry.id, rating.id]));
    expect(within(screen.getByRole('region', { name: t('quarantine.title') })).getByRole('status').textContent).toBe(t('quarantine.discarded'));
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: t('quarantine.title') }));
    expect((await services.db.quarantine.toArray()).map((r) => r.recordId).sort()).toEqual([entry.id, rating.id].sort());
    await waitFor(() => expect(screen.getByTestId('quarantined').textContent).toBe(pluralText('en', 'status.quarantined', 2)));
    expect(screen.getByRole('button', { name: pluralText('en', 'quarantine.open', 2) })).toBeVisible();
  });

  it('given the last refused record discarded, then the screen says there are none and the status corner no longer warns', async () => {
    const { signIn, press, t, services } = await givenStaffTablet({ language: 'zh-Hant' });
    await givenRefused(services.db, [ROWS[2]!]);
    await signIn('2001');
    // The tab follows the quarantine's count, a live query: it is there once that has been read.
    await screen.findByRole('button', { name: pluralText('zh-Hant', 'quarantine.open', 1) });
    await press(pluralText('zh-Hant', 'quarantine.open', 1));
    await screen.findByRole('heading', { level: 1, name: t('quarantine.title') });

    const large = screen.getByRole('button', { name: t('quarantine.largeText') });
    fireEvent.click(large);
    expect(large.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText(t('quarantine.reason.unknown-topic'))).toBeVisible();
    expect(screen.getByText(t('quarantine.opinion', { kind: t('quarantine.opinionKind.complaint'), topic: '收費' }))).toBeVisible();

    fireEvent.click(screen.getByRole('button', { name: t('quarantine.discard') }));
    fireEvent.click(await screen.findByRole('button', { name: t('quarantine.confirm') }));

    expect(await screen.findByText(t('quarantine.empty'))).toBeVisible();
    await waitFor(() => expect(screen.queryByTestId('quarantined')).toBeNull());
  });
});

describe('Refused records on a counter', () => {
  it('given a refused rating, when the teller opens the staff menu, then Refused records opens over it and Back returns to the menu; with none, the menu does not offer it', async () => {
    const { unlockStaffMenu, findByRole, getByRole, queryByRole, services } = await givenCounterTablet({ language: 'es', shift: 'open' });
    await unlockStaffMenu();
    await findByRole('button', { name: text('es', 'staff.pause') });
    expect(queryByRole('button', { name: /Registros rechazados/ })).toBeNull();

    await givenRefused(services.db, [ROWS[0]!]);
    fireEvent.click(await findByRole('button', { name: pluralText('es', 'quarantine.open', 1) }));
    const dialog = await findByRole('dialog', { name: text('es', 'quarantine.title') });
    // The menu's button is gone with the menu: the screen starts at its title.
    await waitFor(() => expect(document.activeElement).toBe(getByRole('heading', { level: 1, name: text('es', 'quarantine.title') })));
    await waitFor(() => expect(dialog.textContent).toContain(text('es', 'quarantine.kind.rating')));
    expect(dialog.textContent).toContain(text('es', 'quarantine.reason.other', { code: 'some-new-reason' }));
    expect(dialog.textContent).toContain(pluralText('es', 'quarantine.intro', 30));

    fireEvent.click(getByRole('button', { name: text('es', 'quarantine.back') }));
    await findByRole('dialog', { name: text('es', 'staff.title') });
  });
});
