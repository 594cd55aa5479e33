import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { SurveySummary } from '../../../src/domain/manage-surveys.ts';
import { QuestionnaireSchema, type LocalizedText } from '../../../src/domain/survey.ts';
import { draftOf, draftProblems, fieldOfMessage, newDraft, newOption, newQuestion, questionnaireOf, slugOf, wordingChanged, type Draft } from '../../../src/ui/dashboard/survey-draft.ts';

const all = (en: string, other = `${en} (otra)`): LocalizedText => ({ 'zh-Hans': other, 'zh-Hant': other, en, es: other });

/** A new survey of a faces question and a single choice, filled in. */
function filled(): Draft {
  const draft = newDraft('2026-11-23');
  const choice = newQuestion('single');
  return {
    ...draft,
    name: 'Winter',
    title: all('How did we do?'),
    questions: [
      { ...draft.questions[0]!, prompt: all('Were you happy with the service today?') },
      { ...choice, prompt: all('早上好', '早上好'), options: [{ ...choice.options[0]!, label: all('Yes — très bien!') }, { ...choice.options[1]!, label: all('Yes, très bien') }] },
    ],
  };
}

describe('the survey editor as data', () => {
  it('given new questions and options, then their ids come from whole English words, or their place, and never repeat', () => {
    expect(slugOf('Would you recommend us to a friend?')).toBe('would-you-recommend-us');
    expect(slugOf('  Él está aquí  ')).toBe('el-esta-aqui');
    expect(slugOf('早上好')).toBe('');
    const questionnaire = questionnaireOf(filled());
    expect(v.is(QuestionnaireSchema, questionnaire)).toBe(true);
    expect(questionnaire.questions.map((q) => q.id)).toEqual(['were-you-happy-with-the', 'q2']);
    const choice = questionnaire.questions[1]!;
    expect(choice.type === 'single' && choice.options.map((o) => o.id)).toEqual(['yes-tres-bien', 'yes-tres-bien-2']);
  });

  it('given a saved survey reworded, then each question and option keeps its id, a new one gets a fresh one, and the page knows it is a new version', () => {
    const saved = { id: 's1', name: 'Winter', currentVersion: 1, versions: 1, responses: 0, createdAt: 0, updatedAt: 0, schedule: { startsOn: '2026-11-23', endsOn: '2026-12-20', branchIds: null, channels: ['lobby'] }, questionnaire: questionnaireOf(filled()) } satisfies SurveySummary;
    const same = draftOf(saved);
    expect(wordingChanged(same, saved)).toBe(false);
    const reworded = { ...same, questions: [...same.questions.map((q, i) => (i === 0 ? { ...q, prompt: all('Were you pleased with us?') } : q)), { ...newQuestion('faces'), prompt: all('Were you happy with the service today?') }] };
    expect(wordingChanged(reworded, saved)).toBe(true);
    expect(questionnaireOf(reworded).questions.map((q) => q.id)).toEqual(['were-you-happy-with-the', 'q2', 'were-you-happy-with-the-2']);
  });

  it('given what the form lacks, then each problem names its field, the way a server refusal is placed too', () => {
    const draft = filled();
    const [faces, choice] = draft.questions as [Draft['questions'][number], Draft['questions'][number]];
    const broken: Draft = {
      ...draft,
      name: ' ',
      questions: [{ ...faces, prompt: { ...faces.prompt, es: '' } }, { ...choice, options: [choice.options[0]!] }],
      endsOn: '2026-11-01',
      allBranches: false,
      channels: [],
    };
    expect(draftProblems(broken, '2026-11-23')).toEqual({
      name: { code: 'empty' },
      [`${faces.key}.prompt.es`]: { code: 'empty' },
      [`${choice.key}.options`]: { code: 'fewOptions', min: 2 },
      endsOn: { code: 'reversed' },
      branches: { code: 'noBranches' },
      channels: { code: 'noChannels' },
    });
    expect(draftProblems(filled(), '2026-11-23')).toEqual({});
    // An ended survey keeps its last day, though it has passed.
    expect(draftProblems({ ...filled(), startsOn: '2026-10-01', endsOn: '2026-10-31' }, '2026-11-23')).toEqual({ endsOn: { code: 'past' } });
    expect(draftProblems({ ...filled(), startsOn: '2026-10-01', endsOn: '2026-10-31' }, '2026-11-23', '2026-10-31')).toEqual({});

    expect(fieldOfMessage('questionnaire.questions.0.prompt.es: must not be empty', draft)).toBe(`${faces.key}.prompt.es`);
    expect(fieldOfMessage('questionnaire.questions.1.options.1.label.zh-Hant: is longer than 80 characters', draft)).toBe(`${choice.key}.${choice.options[1]!.key}.zh-Hant`);
    expect(fieldOfMessage('questionnaire.questions.1.options: has two options with one id', draft)).toBe(`${choice.key}.options`);
    expect(fieldOfMessage('questionnaire.title.en: must not be empty', draft)).toBe('title.en');
    expect(fieldOfMessage('schedule.branchIds: no branch has the id x', draft)).toBe('branches');
    expect(fieldOfMessage('schedule: endsOn is before startsOn', draft)).toBe('endsOn');
    expect(fieldOfMessage('must be an object', draft)).toBeNull();
    expect(newOption().id).toBeNull();
  });
});
