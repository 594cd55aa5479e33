import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { checkAnswers, QuestionnaireSchema, recommendScore, runningSurvey, SurveyScheduleSchema, type Answer } from '../../src/domain/survey.ts';
import { aQuestionnaire } from '../builders/survey.ts';

describe('a questionnaire', () => {
  it('given one question of each type in four languages, then it parses as it was written', () => {
    expect(v.parse(QuestionnaireSchema, aQuestionnaire())).toEqual(aQuestionnaire());
  });

  it.each<[string, (q: ReturnType<typeof aQuestionnaire>) => unknown, RegExp]>([
    ['a prompt missing in Spanish', (q) => ({ ...q, questions: [{ ...q.questions[0], prompt: { ...q.questions[0]!.prompt, es: ' ' } }] }), /must not be empty/],
    ['two questions with one id', (q) => ({ ...q, questions: [q.questions[0], q.questions[0]] }), /two questions with one id/],
    ['a choice with one option', (q) => ({ ...q, questions: [{ ...q.questions[2], options: [(q.questions[2] as { options: unknown[] }).options[0]] }] }), /at least 2 options/],
    ['no question', (q) => ({ ...q, questions: [] }), /at least one question/],
  ])('given %s, then it is refused with the reason', (_, change, message) => {
    const result = v.safeParse(QuestionnaireSchema, change(aQuestionnaire()));
    expect(result.success).toBe(false);
    expect(result.issues?.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('given a schedule that ends before it starts, then it is refused', () => {
    expect(v.safeParse(SurveyScheduleSchema, { startsOn: '2026-12-10', endsOn: '2026-12-09', branchIds: null, channels: ['lobby'] }).success).toBe(false);
    expect(v.safeParse(SurveyScheduleSchema, { startsOn: '2026-12-10', endsOn: '2026-12-10', branchIds: null, channels: ['lobby', 'lobby'] }).success).toBe(false);
  });
});

describe('checkAnswers', () => {
  const all: Answer[] = [
    { type: 'faces', questionId: 'service', score: 'satisfied' },
    { type: 'recommend', questionId: 'recommend', value: 9 },
    { type: 'single', questionId: 'visit', optionId: 'cash' },
    { type: 'multiple', questionId: 'better', optionIds: ['wait', 'hours'] },
    { type: 'text', questionId: 'comment', text: 'Quick and kind.' },
  ];

  it('given every question answered in its type, or only the required ones, then there is no problem', () => {
    expect(checkAnswers(aQuestionnaire(), all)).toEqual([]);
    expect(checkAnswers(aQuestionnaire(), all.slice(0, 2))).toEqual([]);
  });

  it('given answers that do not fit, then each problem names its question, in question order', () => {
    expect(
      checkAnswers(aQuestionnaire(), [
        { type: 'text', questionId: 'recommend', text: 'ten' },
        { type: 'single', questionId: 'visit', optionId: 'mortgage' },
        { type: 'multiple', questionId: 'better', optionIds: ['wait', 'wait'] },
        { type: 'text', questionId: 'comment', text: 'a' },
        { type: 'text', questionId: 'comment', text: 'b' },
        { type: 'faces', questionId: 'parking', score: 'neutral' },
      ]),
    ).toEqual([
      { questionId: 'service', code: 'required' },
      { questionId: 'recommend', code: 'wrong-type' },
      { questionId: 'visit', code: 'unknown-option' },
      { questionId: 'better', code: 'duplicate-option' },
      { questionId: 'comment', code: 'answered-twice' },
      { questionId: 'parking', code: 'unknown-question' },
    ]);
  });
});

describe('runningSurvey', () => {
  const s = (id: string, startsOn: string, endsOn: string, channels: ('lobby' | 'phone')[]) => ({ id, startsOn, endsOn, channels });

  it('given surveys on several days and channels, then the one of that day and channel that started last runs', () => {
    const surveys = [s('b', '2026-12-01', '2026-12-31', ['lobby', 'phone']), s('a', '2026-12-05', '2026-12-06', ['lobby']), s('c', '2027-01-01', '2027-01-31', ['phone'])];
    expect(runningSurvey(surveys, 'lobby', '2026-11-30')).toBeNull();
    expect(runningSurvey(surveys, 'lobby', '2026-12-01')?.id).toBe('b');
    expect(runningSurvey(surveys, 'lobby', '2026-12-06')?.id).toBe('a');
    expect(runningSurvey(surveys, 'phone', '2026-12-06')?.id).toBe('b');
    expect(runningSurvey(surveys, 'lobby', '2026-12-07')?.id).toBe('b');
    expect(runningSurvey(surveys, 'lobby', '2027-01-01')).toBeNull();
    expect(runningSurvey([s('z', '2026-12-01', '2026-12-02', ['lobby']), s('y', '2026-12-01', '2026-12-02', ['lobby'])], 'lobby', '2026-12-01')?.id).toBe('y');
  });
});

describe('recommendScore', () => {
  it('given promoters, passives and detractors, then it is promoters minus detractors in whole points', () => {
    const counts = Array.from({ length: 11 }, () => 0);
    expect(recommendScore(counts)).toBeNull();
    counts[10] = 2;
    counts[9] = 1;
    counts[8] = 1;
    counts[3] = 1;
    expect(recommendScore(counts)).toBe(40);
    expect(recommendScore([5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(-100);
  });
});
