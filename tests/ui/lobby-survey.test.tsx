import { screen, waitFor } from '@testing-library/preact';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDays, localDayOf } from '../../src/domain/period.ts';
import { SurveyResponseSchema, type DeviceSurvey, type SurveyResponse } from '../../src/domain/survey.ts';
import { COUNTDOWN_MS, IDLE_MS } from '../../src/ui/lobby/IdleGuard.tsx';
import { SURVEY_THANKS_MS } from '../../src/ui/lobby/SurveyFlow.tsx';
import { BRANCH_ID } from '../builders/rating.ts';
import { aQuestionnaire, SURVEY_ID } from '../builders/survey.ts';
import { nextFrame } from './counter/given.tsx';
import { text } from './helpers.tsx';
import { givenLobbyTablet } from './lobby/given.tsx';

afterEach(() => {
  vi.useRealTimers();
});

/** The tablet's own calendar day, as the lobby reads it. */
const today = localDayOf(Date.now(), Intl.DateTimeFormat().resolvedOptions().timeZone);
const questionnaire = aQuestionnaire();
const prompt = (id: string, language: 'en' | 'es' = 'en') => questionnaire.questions.find((q) => q.id === id)!.prompt[language];

/** A survey as the lobby's configuration holds it: version 2, on the lobby, from `startsOn` to `endsOn`. */
function aLobbySurvey(overrides: Partial<DeviceSurvey> = {}): DeviceSurvey {
  return { id: SURVEY_ID, version: 2, startsOn: addDays(today, -3), endsOn: addDays(today, 3), channels: ['lobby', 'phone'], questionnaire, ...overrides };
}

const outboxRecords = async (db: { outbox: { toArray(): Promise<{ record: unknown }[]> } }) => (await db.outbox.toArray()).map((row) => row.record as SurveyResponse);

/** A lobby tablet whose configuration holds `surveys`, on its invitation; `choose` tabs to a radio button and presses Enter. */
async function givenSurveyTablet(surveys: DeviceSurvey[], options: { language?: 'en' | 'es'; fakeTimers?: boolean } = {}) {
  const tablet = await givenLobbyTablet({ ...options, config: { surveys } });
  async function choose(name: string) {
    await tablet.tabTo(name, 'radio');
    await tablet.user.keyboard('{Enter}');
    await nextFrame();
  }
  return { ...tablet, choose };
}

/** The invitation's survey button, by the words it says in `language`. */
const surveyButton = (language: 'en' | 'es' = 'en') => screen.queryByRole('button', { name: new RegExp(text(language, 'surveyLobby.start')) });

describe('Lobby survey: offered while it runs', () => {
  it.each([
    ['that starts tomorrow, then the invitation does not offer it', aLobbySurvey({ startsOn: addDays(today, 1) }), false],
    ['that ended yesterday, then the invitation does not offer it', aLobbySurvey({ endsOn: addDays(today, -1) }), false],
    ['only on phones, then the invitation does not offer it', aLobbySurvey({ channels: ['phone'], questionnaire: null }), false],
    ['from today to today, then the invitation offers it', aLobbySurvey({ startsOn: today, endsOn: today }), true],
  ] as const)('given a survey %s', async (_, survey, offered) => {
    await givenSurveyTablet([survey]);
    // The opinion box is there either way.
    expect(screen.getByRole('button', { name: /Start/ })).toBeVisible();
    const button = surveyButton();
    if (!offered) return expect(button).toBeNull();
    expect(button).toBeVisible();
    // The survey's own title, in the screen's language.
    expect(button!.textContent).toContain('Your visit today');
  });

  it('given a configuration stored before surveys, then the invitation is the opinion box alone', async () => {
    const tablet = await givenLobbyTablet({ config: { surveys: undefined as unknown as DeviceSurvey[] } });
    expect(tablet.root()).not.toBeNull();
    expect(surveyButton()).toBeNull();
  });
});

describe('Lobby survey: one customer, by keyboard only', () => {
  it('given every type of question, when the customer answers each and sends, then exactly one record is in the outbox, valid, with the answers given, and the thanks end by themselves', async () => {
    const { press, choose, type, advance, services, t, container } = await givenSurveyTablet([aLobbySurvey()], { fakeTimers: true });
    await press(new RegExp(t('surveyLobby.start')));

    await screen.findByRole('heading', { level: 1, name: prompt('service') });
    // The question has the focus: a screen reader reads it first.
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(screen.getByText(t('surveyLobby.progress', { step: 1, total: 5 }))).toBeVisible();
    expect(screen.getByRole('radiogroup', { name: prompt('service') })).toBeVisible();
    // A face is a radio button of the question's group: a tap checks it, the group says which.
    await choose(t('counter.score.satisfied'));
    expect(screen.getByRole('radio', { name: t('counter.score.satisfied') }).getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('radio', { name: t('counter.score.neutral') }).getAttribute('aria-checked')).toBe('false');
    await press(t('lobby.next'));

    await screen.findByRole('heading', { level: 1, name: prompt('recommend') });
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 }));
    expect(screen.getAllByRole('radio')).toHaveLength(11);
    // The ends carry their meaning in their names.
    expect(screen.getByRole('radio', { name: t('surveyLobby.recommend.lowValue', { value: 0 }) })).toBeVisible();
    expect(screen.getByRole('radio', { name: t('surveyLobby.recommend.highValue', { value: 10 }) })).toBeVisible();
    await choose('9');
    expect(screen.getByRole('radio', { name: '9' }).getAttribute('aria-checked')).toBe('true');
    await press(t('lobby.next'));

    await screen.findByRole('heading', { level: 1, name: prompt('visit') });
    await choose('An account');
    await press(t('lobby.next'));

    await screen.findByRole('heading', { level: 1, name: prompt('better') });
    expect(screen.getByText(t('surveyLobby.multipleHint'))).toBeVisible();
    // Tapped out of order, and one tapped twice: the record has the chosen ones in the question's order.
    await press('Opening hours');
    await press('Waiting time');
    await press('Staff');
    await press('Staff');
    expect(screen.getByRole('button', { name: 'Opening hours' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Staff' }).getAttribute('aria-pressed')).toBe('false');
    await press(t('lobby.next'));

    await screen.findByRole('heading', { level: 1, name: prompt('comment') });
    expect(screen.getByText(t('surveyLobby.progress', { step: 5, total: 5 }))).toBeVisible();
    await type(t('surveyLobby.text.label'), '  More chairs, please.  ');
    expect(screen.getByText(t('surveyLobby.text.left_other', { count: 1000 - 'More chairs, please.'.length }))).toBeVisible();
    // Nothing is written before Send.
    expect(await services.db.outbox.count()).toBe(0);
    await press(t('surveyLobby.send'));

    await screen.findByRole('heading', { level: 1, name: t('surveyLobby.thanks.title') });
    const records = await outboxRecords(services.db);
    expect(records).toHaveLength(1);
    expect(v.safeParse(SurveyResponseSchema, records[0]).success).toBe(true);
    expect(records[0]).toEqual({
      kind: 'survey-response',
      id: expect.any(String),
      branchId: BRANCH_ID,
      surveyId: SURVEY_ID,
      version: 2,
      answers: [
        { type: 'faces', questionId: 'service', score: 'satisfied' },
        { type: 'recommend', questionId: 'recommend', value: 9 },
        { type: 'single', questionId: 'visit', optionId: 'account' },
        { type: 'multiple', questionId: 'better', optionIds: ['wait', 'hours'] },
        { type: 'text', questionId: 'comment', text: 'More chairs, please.' },
      ],
      language: 'en',
      createdAt: expect.any(Number),
    });
    expect((await services.db.outbox.toArray())[0]!.kind).toBe('survey-response');

    // The thanks go by themselves; the next customer finds the invitation, with nothing of these answers.
    await advance(SURVEY_THANKS_MS);
    await screen.findByRole('button', { name: /Start/ });
    expect(container.textContent).not.toContain('More chairs');
    expect(await services.db.outbox.count()).toBe(1);
  });

  it('given a required question, then it has no Skip and Next says why it stays; an optional one has Skip, and Back keeps what was given', async () => {
    const { press, choose, services, t } = await givenSurveyTablet([aLobbySurvey()]);
    await press(new RegExp(t('surveyLobby.start')));
    await screen.findByRole('heading', { level: 1, name: prompt('service') });
    expect(screen.getByText(t('surveyLobby.required'))).toBeVisible();
    expect(screen.queryByRole('button', { name: t('lobby.skip') })).toBeNull();
    await press(t('lobby.next'));
    expect((await screen.findByRole('alert')).textContent).toBe(t('surveyLobby.requiredProblem'));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(prompt('service'));
    // Answering clears the message.
    await choose(t('counter.score.neutral'));
    expect(screen.queryByRole('alert')).toBeNull();
    await press(t('lobby.next'));
    await screen.findByRole('heading', { level: 1, name: prompt('recommend') });
    await press(t('lobby.next'));
    expect((await screen.findByRole('alert')).textContent).toBe(t('surveyLobby.requiredProblem'));
    await choose('7');
    await press(t('lobby.next'));
    await screen.findByRole('heading', { level: 1, name: prompt('visit') });
    await choose('Cash');
    await press(t('lobby.back'));
    await screen.findByRole('heading', { level: 1, name: prompt('recommend') });
    expect(screen.getByRole('radio', { name: '7' }).getAttribute('aria-checked')).toBe('true');
    await press(t('lobby.next'));
    // Skip leaves the optional question unanswered, even after a choice.
    await press(t('lobby.skip'));
    await screen.findByRole('heading', { level: 1, name: prompt('better') });
    await press(t('lobby.skip'));
    await screen.findByRole('heading', { level: 1, name: prompt('comment') });
    // The last question is sent, not skipped: an optional one may be left empty.
    expect(screen.queryByRole('button', { name: t('lobby.skip') })).toBeNull();
    await press(t('surveyLobby.send'));
    await screen.findByRole('heading', { level: 1, name: t('surveyLobby.thanks.title') });
    expect((await outboxRecords(services.db))[0]!.answers).toEqual([
      { type: 'faces', questionId: 'service', score: 'neutral' },
      { type: 'recommend', questionId: 'recommend', value: 7 },
    ]);
  });
});

describe('Lobby survey: leaving nothing behind', () => {
  it('given a customer who walks away mid-survey, when the countdown ends, then the invitation is back and the outbox is empty', async () => {
    const { press, type, advance, services, t, container } = await givenSurveyTablet([aLobbySurvey({ questionnaire: { ...questionnaire, questions: questionnaire.questions.slice(4) } })], { fakeTimers: true });
    await press(new RegExp(t('surveyLobby.start')));
    await screen.findByRole('heading', { level: 1, name: prompt('comment') });
    await type(t('surveyLobby.text.label'), 'Secreto de Ana');
    await advance(IDLE_MS);
    await screen.findByRole('alertdialog', { name: t('lobby.idle.title') });
    for (let i = 0; i < COUNTDOWN_MS / 1000; i++) {
      await advance(1000);
      await nextFrame();
    }
    await screen.findByRole('button', { name: /Start/ });
    expect(surveyButton()).toBeVisible();
    expect(document.documentElement.outerHTML).not.toContain('Secreto de Ana');
    expect(container.querySelectorAll('textarea')).toHaveLength(0);
    expect(await services.db.outbox.count()).toBe(0);
  });

  it('given a customer who cancels, then the invitation is back, in the branch language, and nothing is written; the next survey starts empty', async () => {
    const { press, choose, services, t, current } = await givenSurveyTablet([aLobbySurvey()]);
    await press(new RegExp(t('surveyLobby.start')));
    await screen.findByRole('heading', { level: 1, name: prompt('service') });
    await press('Español');
    await screen.findByRole('heading', { level: 1, name: prompt('service', 'es') });
    await choose(text('es', 'counter.score.dissatisfied'));
    await press(text('es', 'surveyLobby.cancel'));
    await screen.findByRole('button', { name: /Start/ });
    expect(current()).toBe('en');
    expect(await services.db.outbox.count()).toBe(0);
    await press(new RegExp(t('surveyLobby.start')));
    await screen.findByRole('heading', { level: 1, name: prompt('service') });
    expect(screen.getAllByRole('radio').filter((r) => r.getAttribute('aria-checked') === 'true')).toEqual([]);
  });

  it('given storage is full, when the customer sends, then they see the opinion box\'s failure, and Try again saves the answers once space is back', async () => {
    const { press, choose, services, t } = await givenSurveyTablet([aLobbySurvey({ questionnaire: { ...questionnaire, questions: questionnaire.questions.slice(0, 1) } })]);
    let full = true;
    services.db.outbox.hook('creating', () => {
      if (full) throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    await press(new RegExp(t('surveyLobby.start')));
    await choose(t('counter.score.very-satisfied'));
    await press(t('surveyLobby.send'));
    await screen.findByRole('heading', { level: 1, name: t('lobby.failed.title') });
    expect(screen.getByRole('alert').textContent).toContain(t('errors.storage-full'));
    expect(await services.db.outbox.count()).toBe(0);
    full = false;
    await press(t('lobby.failed.retry'));
    await screen.findByRole('heading', { level: 1, name: t('surveyLobby.thanks.title') });
    expect((await outboxRecords(services.db)).map((r) => r.answers)).toEqual([[{ type: 'faces', questionId: 'service', score: 'very-satisfied' }]]);
  });
});

describe('Lobby survey: in Spanish', () => {
  it('given a Spanish branch, then the invitation, the questions, the options and the record are in Spanish; the switch changes language mid-survey', async () => {
    const { press, choose, services, current } = await givenSurveyTablet([aLobbySurvey()], { language: 'es' });
    expect(surveyButton('es')!.textContent).toContain('Su visita de hoy');
    await press(new RegExp(text('es', 'surveyLobby.start')));
    await screen.findByRole('heading', { level: 1, name: prompt('service', 'es') });
    expect(screen.getByText(text('es', 'surveyLobby.progress', { step: 1, total: 5 }))).toBeVisible();
    expect(screen.getByRole('button', { name: 'Español' }).getAttribute('aria-pressed')).toBe('true');
    await choose(text('es', 'counter.score.very-satisfied'));
    // English for one question, then back to Spanish: what was given stays.
    await press('English');
    await screen.findByRole('heading', { level: 1, name: prompt('service') });
    expect(screen.getByRole('radio', { name: text('en', 'counter.score.very-satisfied') }).getAttribute('aria-checked')).toBe('true');
    await press('Español');
    await waitFor(() => expect(current()).toBe('es'));
    await press(text('es', 'lobby.next'));
    await screen.findByRole('heading', { level: 1, name: prompt('recommend', 'es') });
    expect(screen.getByText(`10 = ${text('es', 'surveyLobby.recommend.high')}`)).toBeVisible();
    await choose(text('es', 'surveyLobby.recommend.highValue', { value: 10 }));
    await press(text('es', 'lobby.next'));
    await screen.findByRole('heading', { level: 1, name: prompt('visit', 'es') });
    await choose('Efectivo');
    await press(text('es', 'lobby.next'));
    await press('La espera');
    await press(text('es', 'lobby.next'));
    await screen.findByRole('heading', { level: 1, name: prompt('comment', 'es') });
    await press(text('es', 'surveyLobby.send'));
    await screen.findByRole('heading', { level: 1, name: text('es', 'surveyLobby.thanks.title') });
    const [record] = await outboxRecords(services.db);
    expect(record).toMatchObject({
      language: 'es',
      answers: [
        { type: 'faces', questionId: 'service', score: 'very-satisfied' },
        { type: 'recommend', questionId: 'recommend', value: 10 },
        { type: 'single', questionId: 'visit', optionId: 'cash' },
        { type: 'multiple', questionId: 'better', optionIds: ['wait'] },
      ],
    });
  });
});
