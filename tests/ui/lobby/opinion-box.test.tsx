import { CONSENT_VERSION } from '../../../src/domain/consent.ts';
import { screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/domain/language.ts';
import type { Opinion } from '../../../src/domain/opinion.ts';
import { COUNTDOWN_MS, IDLE_MS } from '../../../src/ui/lobby/IdleGuard.tsx';
import { THANKS_MS } from '../../../src/ui/lobby/OpinionFlow.tsx';
import { aCaseRoster, aTeller, TELLER_PIN } from '../../builders/device.ts';
import { COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { aVoice, givenSpeechSynthesis } from '../../helpers/fake-speech.ts';
import { nextFrame } from '../counter/given.tsx';
import { text } from '../helpers.tsx';
import { givenLobbyTablet, topicLabel } from './given.tsx';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const outboxOpinions = async (db: { outbox: { toArray(): Promise<{ record: unknown }[]> } }) => (await db.outbox.toArray()).map((row) => row.record as Opinion);

describe('Opinion box: a whole entry, by keyboard only', () => {
  it('given a customer with contact details, when they go through every step, then the entry is saved with its contact and they get a reference code', async () => {
    const { services, press, type, check, step, tabTo, user, t, device, container } = await givenLobbyTablet();

    await press(/Start/);
    await step('lobby.language.title');
    // The question has the focus when a step opens: a screen reader reads it first.
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    await press('English');

    await step('lobby.kind.title');
    expect(screen.getByText(t('lobby.progress', { step: 2, total: 7 }))).toBeVisible();
    await press(new RegExp(t('lobby.kind.complaint')));

    await step('lobby.topic.title');
    expect(screen.getAllByRole('button').filter((b) => b.dataset.topic).map((b) => b.textContent)).toEqual(device.config.topics.map((x) => x.labels.en));
    await press(topicLabel(device.config, 'waiting', 'en'));

    await step('lobby.text.title');
    await type(t('lobby.text.title'), 'Only one window open at lunch.');
    expect(screen.getByText(t('lobby.text.left_other', { count: 2000 - 30 }))).toBeVisible();
    await press(t('lobby.next'));

    await step('lobby.visit.title');
    await press(t('counter.score.dissatisfied'));
    expect(screen.getByRole('button', { name: t('counter.score.dissatisfied') }).getAttribute('aria-pressed')).toBe('true');
    await user.selectOptions(await tabTo(t('lobby.visit.counter'), 'combobox'), COUNTER_ID);
    await user.selectOptions(await tabTo(t('lobby.visit.teller'), 'combobox'), TELLER_ID);
    await press(t('lobby.next'));

    await step('lobby.contact.title');
    await type(t('lobby.contact.name'), 'Wang Fang');
    await type(t('lobby.contact.phone'), '+86 138 0000 0000');
    await check(t('lobby.contact.wantsReply'));
    await check(t('lobby.contact.consent'));
    await press(t('lobby.next'));

    await step('lobby.review.title');
    const review = container.querySelector('.review')!.textContent!;
    for (const part of ['A complaint', 'Waiting and queues', 'Only one window open at lunch.', 'Dissatisfied', 'Counter 3', 'Li Mei (no. 1001)', 'Wang Fang', '+86 138 0000 0000', 'wants a reply']) expect(review).toContain(part);
    expect(await services.db.outbox.count()).toBe(0);
    await press(t('lobby.review.send'));

    const code = await screen.findByTestId('reference-code');
    expect(code.textContent).toBe('2E-2223');
    expect(screen.getByText(t('lobby.thanks.reply'))).toBeVisible();
    expect(await outboxOpinions(services.db)).toEqual([
      expect.objectContaining({
        opinionKind: 'complaint',
        topicId: 'waiting',
        text: 'Only one window open at lunch.',
        visit: { score: 'dissatisfied', counterId: COUNTER_ID, tellerId: TELLER_ID },
        contact: { name: 'Wang Fang', phone: '+86 138 0000 0000', email: '', wantsReply: true, consent: true, consentVersion: CONSENT_VERSION },
        referenceCode: '2E-2223',
        language: 'en',
      }),
    ]);

    await press(t('lobby.thanks.done'));
    await screen.findByRole('button', { name: /Start/ });
  });

  it.each(LANGUAGES)('given a %s customer, when they leave an anonymous entry, then every step speaks their language and nothing of a contact is kept', async (language: Language) => {
    const { services, leaveEntry, container } = await givenLobbyTablet({ language: language === 'en' ? 'zh-Hans' : 'en' });
    const code = await leaveEntry({ language, kind: 'suggestion', topic: 'premises', message: 'Más sillas 请 多一些椅子' });
    expect(code).toBe('2E-2223');
    expect(container.querySelector('h1')?.textContent).toBe(text(language, 'lobby.thanks.title'));
    const [saved] = await outboxOpinions(services.db);
    expect(saved).toMatchObject({ opinionKind: 'suggestion', topicId: 'premises', contact: null, visit: null, language });
  });

  it('given two customers one after the other, then their codes differ and the second starts from the branch language with an empty form', async () => {
    const { leaveEntry, press, t, current, container } = await givenLobbyTablet({ language: 'zh-Hant' });
    expect(await leaveEntry({ language: 'es', kind: 'praise', topic: 'staff', message: 'Muy amables' })).toBe('2E-2223');
    await press(t('lobby.thanks.done'));
    await screen.findByRole('button', { name: new RegExp(text('zh-Hant', 'lobby.attract.start')) });
    expect(current()).toBe('zh-Hant');
    expect(container.textContent).not.toContain('Muy amables');
    expect(await leaveEntry({ language: 'en', kind: 'question', topic: 'fees', message: 'What is the fee?' })).toBe('2E-2224');
  });
});

describe('Opinion box: inline validation in the customer language', () => {
  it.each(LANGUAGES)('given %s, when the text is empty, then Next stays, says why next to the field and puts the keyboard there', async (language) => {
    const { press, step, t, container, services, device } = await givenLobbyTablet({ language });
    await press(new RegExp(t('lobby.attract.start')));
    await step('lobby.language.title');
    await press(text(language, `language.names.${language}`));
    await press(new RegExp(t('lobby.kind.complaint')));
    await press(topicLabel(device.config, 'fees', language));
    await step('lobby.text.title');
    await press(t('lobby.next'));
    await step('lobby.text.title');
    const field = screen.getByRole('textbox', { name: t('lobby.text.title') });
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe(t('opinion.errors.text-empty'));
    expect(container.querySelector('#opinion-text-error')?.id).toBe(field.getAttribute('aria-describedby')?.split(' ').find((id) => id.endsWith('error')));
    expect(await services.db.outbox.count()).toBe(0);
  });

  it.each(LANGUAGES)('given %s, when the contact details are wrong, then each field says what is wrong and the review is not reached', async (language) => {
    const { press, step, t, type, check, container, device } = await givenLobbyTablet({ language });
    await press(new RegExp(t('lobby.attract.start')));
    await press(text(language, `language.names.${language}`));
    await press(new RegExp(t('lobby.kind.complaint')));
    await press(topicLabel(device.config, 'staff', language));
    await type(t('lobby.text.title'), 'x');
    await press(t('lobby.next'));
    await press(t('lobby.skip'));
    await step('lobby.contact.title');

    await type(t('lobby.contact.phone'), 'call me');
    await type(t('lobby.contact.email'), 'fang@');
    await press(t('lobby.next'));
    const messages = () => [...container.querySelectorAll('.error')].map((e) => e.textContent).filter(Boolean);
    expect(messages()).toEqual([t('opinion.errors.phone-format'), t('opinion.errors.email-format'), t('opinion.errors.consent-required')]);
    expect(screen.getByRole('textbox', { name: t('lobby.contact.phone') }).getAttribute('aria-invalid')).toBe('true');

    // Changing a field clears the messages about it (the consent one too: it depends on the contact given).
    await type(t('lobby.contact.phone'), '');
    expect(messages()).toEqual([t('opinion.errors.email-format')]);
    await type(t('lobby.contact.email'), '');
    expect(messages()).toEqual([]);
    await check(t('lobby.contact.wantsReply'));
    await press(t('lobby.next'));
    expect(messages()).toEqual([t('opinion.errors.contact-needed-for-reply')]);

    await type(t('lobby.contact.email'), 'fang@example.cn');
    await check(t('lobby.contact.consent'));
    await press(t('lobby.next'));
    await step('lobby.review.title');
  });

  it('given text over 2,000 characters, then the counter says how many too many and Next refuses', async () => {
    const { press, step, t, services, user, tabTo } = await givenLobbyTablet();
    await press(/Start/);
    await press('English');
    await press(/A question/);
    await press('Fees and charges');
    const field = await tabTo(t('lobby.text.title'), 'field');
    // Pasted, as the tablet's keyboard would for a long text: typing 2,005 keys is slow in jsdom.
    await user.click(field);
    await user.paste('é'.repeat(2005));
    expect(screen.getByText(t('lobby.text.over_other', { count: 5, max: 2000 }))).toBeVisible();
    await press(t('lobby.next'));
    await step('lobby.text.title');
    expect(screen.getByRole('alert').textContent).toBe(t('opinion.errors.text-too-long'));
    expect(await services.db.outbox.count()).toBe(0);
  });

  it('given the review, when the customer changes the text, then they come back to the review with the new text', async () => {
    const { press, step, t, type, container } = await givenLobbyTablet();
    await press(/Start/);
    await press('English');
    await press(/Praise/);
    await press('Staff and service');
    await type(t('lobby.text.title'), 'Kind staff');
    await press(t('lobby.next'));
    await press(t('lobby.skip'));
    await press(t('lobby.contact.anonymous'));
    await step('lobby.review.title');
    await press(t('lobby.review.changeWhat', { what: t('lobby.review.text') }));
    await step('lobby.text.title');
    await type(t('lobby.text.title'), 'Very kind staff');
    await press(t('lobby.next'));
    await press(t('lobby.next'));
    await press(t('lobby.contact.anonymous'));
    await step('lobby.review.title');
    expect(container.querySelector('.review-text dd')?.textContent).toBe('Very kind staff');
    expect(container.querySelector('.review-contact dd')?.textContent).toBe(t('lobby.review.anonymous'));
  });
});

describe('Opinion box: an abandoned entry', () => {
  async function givenAbandonedDraft() {
    const tablet = await givenLobbyTablet({ fakeTimers: true, language: 'zh-Hans' });
    const { press, step, type, check, t } = tablet;
    await press(new RegExp(t('lobby.attract.start')));
    await press('Español');
    await press(new RegExp(text('es', 'lobby.kind.complaint')));
    await press(topicLabel(tablet.device.config, 'waiting', 'es'));
    await type(text('es', 'lobby.text.title'), 'Secreto de Ana: esperé una hora');
    await press(text('es', 'lobby.next'));
    await press(text('es', 'lobby.next'));
    await step('lobby.contact.title');
    await type(text('es', 'lobby.contact.name'), 'Ana Secreta');
    await type(text('es', 'lobby.contact.phone'), '+34 600 000 000');
    await check(text('es', 'lobby.contact.consent'));
    return tablet;
  }

  it('given a customer who walks away, when a minute passes, then it asks with a countdown, and at zero nothing of the entry is left', async () => {
    const tablet = await givenAbandonedDraft();
    const { advance, container, services, current } = tablet;
    await advance(IDLE_MS - 1000);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await advance(1000);
    const dialog = await screen.findByRole('alertdialog', { name: text('es', 'lobby.idle.title') });
    expect(dialog.textContent).toContain(text('es', 'lobby.idle.detail_other', { count: 10 }));
    // Second by second: each tick is scheduled by the render of the one before.
    const seconds = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await advance(1000);
        await nextFrame();
      }
    };
    await seconds(3);
    expect(dialog.textContent).toContain(text('es', 'lobby.idle.detail_other', { count: 7 }));
    await seconds(COUNTDOWN_MS / 1000 - 3);

    await screen.findByRole('button', { name: new RegExp(text('zh-Hans', 'lobby.attract.start')) });
    expect(current()).toBe('zh-Hans');
    const page = document.documentElement.outerHTML;
    for (const secret of ['Secreto de Ana', 'Ana Secreta', '600 000 000']) expect(page).not.toContain(secret);
    expect(container.querySelectorAll('input, textarea')).toHaveLength(0);
    expect(await services.db.outbox.count()).toBe(0);
    expect(await services.db.meta.get('opinionSequence')).toBeUndefined();
    expect(sessionStorage.length).toBe(0);
    // Web storage holds only the note that this browser is enrolled (enrollment-marker.ts).
    expect(Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i))).toEqual(['branchvoice.enrollment']);
    for (const secret of ['Secreto de Ana', 'Ana Secreta', '600 000 000']) expect(localStorage.getItem('branchvoice.enrollment')).not.toContain(secret);
  });

  it('given the question, when the customer answers that they are there, then the entry is as they left it', async () => {
    const { advance, press } = await givenAbandonedDraft();
    await advance(IDLE_MS);
    await screen.findByRole('alertdialog');
    await press(text('es', 'lobby.idle.continue'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((screen.getByRole('textbox', { name: text('es', 'lobby.contact.name') }) as HTMLInputElement).value).toBe('Ana Secreta');
    // The wait starts again: no question before another full minute.
    await advance(IDLE_MS - 1000);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('given a customer still typing, then the question never comes', async () => {
    const { advance, user } = await givenAbandonedDraft();
    for (let i = 0; i < 4; i++) {
      await advance(IDLE_MS - 5000);
      await user.keyboard('a');
    }
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('given the thanks screen, when nobody taps Done, then the kiosk is ready for the next customer by itself', async () => {
    const tablet = await givenLobbyTablet({ fakeTimers: true });
    await tablet.leaveEntry({ language: 'en', kind: 'praise', topic: 'staff', message: 'Thanks' });
    await tablet.advance(THANKS_MS);
    await screen.findByRole('button', { name: /Start/ });
    expect(screen.queryByTestId('reference-code')).toBeNull();
  });
});

describe('Opinion box: the mode for the elderly', () => {
  it('given the attract screen, when the customer taps the large-text button, then text is larger, hints go and each question is spoken; the next customer gets the normal mode', async () => {
    const { spoken } = givenSpeechSynthesis();
    const { press, step, root, t } = await givenLobbyTablet();

    await press(t('lobby.attract.elderly'));
    await step('lobby.language.title');
    expect(root().classList.contains('elderly')).toBe(true);
    await press('繁體中文');
    await step('lobby.kind.title');
    await nextFrame();
    expect(spoken).toContainEqual({ text: text('zh-Hant', 'lobby.kind.title'), lang: 'zh-TW' });

    await press(text('zh-Hant', 'lobby.back'));
    await press(text('zh-Hant', 'lobby.back'));
    await screen.findByRole('button', { name: /Start/ });
    expect(root().classList.contains('elderly')).toBe(false);
  });

  it('given a Spanish branch, when an elderly customer starts, then "choose your language" is spoken once in each language, each in its own voice, the branch\'s first', async () => {
    const { spoken } = givenSpeechSynthesis();
    const { press, step, t } = await givenLobbyTablet({ language: 'es', config: { voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-US', es: 'es-MX' } } });

    await press(t('lobby.attract.elderly'));
    await step('lobby.language.title');
    await nextFrame();

    expect(spoken).toEqual([
      { text: text('es', 'lobby.language.title'), lang: 'es-MX' },
      { text: text('zh-Hans', 'lobby.language.title'), lang: 'zh-CN' },
      { text: text('zh-Hant', 'lobby.language.title'), lang: 'zh-HK' },
      { text: text('en', 'lobby.language.title'), lang: 'en-US' },
    ]);
  });

  it('given Cantonese chosen and a tablet without it, when an elderly customer starts, then the question is spoken in the three others and never in Mandarin for 繁體中文; staff mode names the missing voice', async () => {
    const { spoken } = givenSpeechSynthesis({ voices: [aVoice('zh-CN'), aVoice('zh-TW'), aVoice('en-GB'), aVoice('es-ES')] });
    const { press, step, t, tabTo, type, user } = await givenLobbyTablet({ config: { tellers: [aTeller(), ...aCaseRoster()], voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-ES' } } });

    await press(t('lobby.attract.elderly'));
    await step('lobby.language.title');
    await nextFrame();
    expect(spoken.map((s) => s.lang)).toEqual(['en-GB', 'zh-CN', 'es-ES']);
    expect(spoken.map((s) => s.text)).not.toContain(text('zh-Hant', 'lobby.language.title'));

    await tabTo(t('staff.corner'));
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog', { name: t('staff.title') });
    await type(t('signIn.staffNumber'), '2001');
    await type(t('signIn.pin'), TELLER_PIN);
    await press(t('staff.unlock'));
    const notice = await screen.findByTestId('voice-missing');
    expect(notice.textContent).toBe(t('speech.voiceMissing', { voices: t('speech.voices.zh-HK') }));
  });
});

describe('Opinion box: the language step', () => {
  it.each(LANGUAGES)('given a %s branch, then the question is asked in all four languages, each marked with its own, and no language is shown as chosen', async (language) => {
    const { press, step, t } = await givenLobbyTablet({ language });
    await press(new RegExp(t('lobby.attract.start')));
    const heading = await step('lobby.language.title');

    const section = heading.closest('section')!;
    const others = [...section.querySelectorAll('.question-others [lang]')].map((li) => [li.getAttribute('lang'), li.textContent]);
    expect(others).toEqual(LANGUAGES.filter((lng) => lng !== language).map((lng) => [lng, text(lng, 'lobby.language.title')]));
    const choices = [...section.querySelectorAll<HTMLButtonElement>('.choice-grid.languages button')];
    expect(choices.map((b) => b.lang)).toEqual([language, ...LANGUAGES.filter((lng) => lng !== language)]);
    expect(choices.filter((b) => b.getAttribute('aria-pressed') === 'true')).toEqual([]);
  });
});

describe('Opinion box: the page title', () => {
  it('given an English branch, when a customer picks 简体中文, then the title and the page language follow', async () => {
    const { press, step, t } = await givenLobbyTablet();
    expect([document.title, document.documentElement.lang]).toEqual([t('app.lobbyTitle'), 'en']);

    await press(/Start/);
    await step('lobby.language.title');
    await press('简体中文');
    await step('lobby.kind.title');
    await waitFor(() => expect([document.title, document.documentElement.lang]).toEqual([text('zh-Hans', 'app.lobbyTitle'), 'zh-Hans']));
    expect(document.title).not.toBe('BranchVoice');
  });
});

describe('Opinion box: the kiosk lock', () => {
  it('given a customer mid-entry, when staff open the corner, then the entry is cleared, and only a staff PIN unlocks the menu', async () => {
    const { press, type, t, tabTo, user, services } = await givenLobbyTablet({ config: { tellers: [aTeller(), ...aCaseRoster()] } });
    await press(/Start/);
    await press('English');
    await press(/A complaint/);
    await press('Fees and charges');
    await type(t('lobby.text.title'), 'private words');

    await tabTo(t('staff.corner'));
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: t('staff.title') });
    expect(document.body.textContent).not.toContain('private words');

    await type(t('signIn.staffNumber'), '2001');
    await type(t('signIn.pin'), '0000');
    await press(t('staff.unlock'));
    await waitFor(() => expect(dialog.textContent).toContain(t('errors.wrong-credentials')));
    // A teller's right PIN does not open the lobby's staff mode: tellers work at the counters.
    await type(t('signIn.staffNumber'), '1001');
    await type(t('signIn.pin'), TELLER_PIN);
    await press(t('staff.unlock'));
    await waitFor(() => expect(dialog.textContent).toContain(t('errors.not-here')));
    await type(t('signIn.staffNumber'), '2001');
    await type(t('signIn.pin'), TELLER_PIN);
    await press(t('staff.unlock'));
    await screen.findByRole('button', { name: t('cases.signOut') });
    await press(t('cases.signOut'));
    expect(screen.queryByRole('dialog')).toBeNull();
    await screen.findByRole('button', { name: /Start/ });
    expect(await services.db.outbox.count()).toBe(0);
  });
});

describe('Opinion box: a write that fails', () => {
  it('given storage is full, when the customer sends, then they are told plainly, the entry is kept on screen, and Try again saves it once space is back', async () => {
    const { press, step, t, type, services } = await givenLobbyTablet();
    let full = true;
    services.db.outbox.hook('creating', () => {
      if (full) throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    await press(/Start/);
    await press('English');
    await press(/A suggestion/);
    await press('Something else');
    await type(t('lobby.text.title'), 'Open on Saturdays');
    await press(t('lobby.next'));
    await press(t('lobby.skip'));
    await press(t('lobby.contact.anonymous'));
    await step('lobby.review.title');
    await press(t('lobby.review.send'));

    await step('lobby.failed.title');
    expect(screen.getByRole('alert').textContent).toContain(t('errors.storage-full'));
    expect(await services.db.outbox.count()).toBe(0);
    full = false;
    await press(t('lobby.failed.retry'));
    expect((await screen.findByTestId('reference-code')).textContent).toBe('2E-2223');
    expect((await outboxOpinions(services.db)).map((o) => o.text)).toEqual(['Open on Saturdays']);
  });
});
