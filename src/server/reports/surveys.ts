import type { Kysely } from 'kysely';
import { reportScope, type Viewer } from '../../domain/access.ts';
import type { Language } from '../../domain/language.ts';
import { addScores, emptyScores, satisfactionRate, totalRatings, type ScoreCounts } from '../../domain/metrics.ts';
import { localDayOf, type DayRange, type LocalDay } from '../../domain/period.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
import type { BranchRef } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { recommendScore, SURVEY_CHANNELS, type LocalizedText, type Question, type Questionnaire, type SurveyChannel } from '../../domain/survey.ts';
import {
  emptyRecommend,
  maySeeSurveyText,
  MAX_SURVEY_COMMENTS,
  recommendGroups,
  type OptionResult,
  type QuestionResult,
  type SurveyBranchRow,
  type SurveyChannelRow,
  type SurveyComment,
  type SurveyFigures,
  type SurveyPick,
  type SurveyReportExtra,
  type SurveyResults,
  type SurveysReport,
} from '../../domain/survey-reports.ts';
import type { Database, SurveyRow } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { periodOf, scoresOf, scoreSums, selectsNothing, type BranchSelection } from './common.ts';

/**
 * Reports › Surveys: one survey's answers in the period (each response's day at its branch),
 * at the selected branches, on one channel or both. The questions are those of every version,
 * matched by id and worded as the newest version that asked them; the answers are counted in
 * SQL from survey_answers (one row per answer, per option chosen). Each branch's figures come
 * beside its counter ratings of the same days, from rating_branch_days as in every other
 * report, so the two satisfactions compare. Customers' comments only of the branches whose
 * words the viewer may read (maySeeSurveyText); of the others, how many.
 */
export async function surveysReport(
  db: Kysely<Database>,
  selection: BranchSelection,
  range: DayRange,
  now: number,
  viewer: Viewer,
  extra: SurveyReportExtra,
): Promise<Result<SurveysReport, 'survey-not-found'>> {
  const period = periodOf(range);
  const surveys = await visibleSurveys(db, viewer);
  const chosen = extra.survey === undefined ? defaultSurvey(surveys, localDayOf(now, 'UTC')) : surveys.find((s) => s.id === extra.survey);
  if (extra.survey !== undefined && !chosen) return err('survey-not-found', `No survey with the id ${extra.survey} ran at the branches ${viewer.staffNumber} sees; the report's list names those that did.`);
  const picks = surveys.map(pickOf);
  if (!chosen) return ok({ period, surveys: picks, survey: null });
  return ok({ period, surveys: picks, survey: await resultsOf(db, chosen, selection, range, viewer, extra.channel ?? null) });
}

/** The surveys that ran (or will run) at any branch the viewer sees, the newest first. */
async function visibleSurveys(db: Kysely<Database>, viewer: Viewer): Promise<SurveyRow[]> {
  const scope = reportScope(viewer);
  if (scope.kind === 'none') return [];
  const rows = await db.selectFrom('surveys').selectAll().execute();
  return rows
    .filter((row) => {
      if (scope.kind === 'all' || row.branch_ids === null) return true;
      const ids = JSON.parse(row.branch_ids) as string[];
      return ids.some((id) => scope.branchIds.includes(id));
    })
    .sort((a, b) => (a.starts_on !== b.starts_on ? (a.starts_on < b.starts_on ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The survey running today (the one started last, as runningSurvey chooses), else the one that started last. */
const defaultSurvey = (surveys: readonly SurveyRow[], today: LocalDay): SurveyRow | undefined => surveys.find((s) => s.starts_on <= today && today <= s.ends_on) ?? surveys[0];

const pickOf = (row: SurveyRow): SurveyPick => ({ id: row.id, name: row.name, startsOn: row.starts_on, endsOn: row.ends_on, channels: JSON.parse(row.channels) as SurveyChannel[] });

/** Every question any version asked, the current version's first in its order, then the older ones' newest first, each in its newest wording. */
async function questionsOf(db: Kysely<Database>, survey: SurveyRow): Promise<{ title: LocalizedText; questions: { question: Question; current: boolean }[] }> {
  const versions = await db.selectFrom('survey_versions').select(['version', 'questionnaire']).where('survey_id', '=', survey.id).orderBy('version', 'desc').execute();
  const parsed = versions.map((row) => ({ version: row.version, questionnaire: JSON.parse(row.questionnaire) as Questionnaire }));
  const current = parsed.find((p) => p.version === survey.current_version) ?? parsed[0]!;
  const seen = new Set<string>();
  const questions: { question: Question; current: boolean }[] = [];
  for (const { questionnaire } of [current, ...parsed.filter((p) => p !== current)]) {
    for (const question of questionnaire.questions) {
      if (seen.has(question.id)) continue;
      seen.add(question.id);
      questions.push({ question: withOlderOptions(question, parsed), current: questionnaire === current.questionnaire });
    }
  }
  return { title: current.questionnaire.title, questions };
}

/** A choice question's options, and after them any option an older version offered that this wording does not (in its newest wording). */
function withOlderOptions(question: Question, versions: readonly { questionnaire: Questionnaire }[]): Question {
  if (question.type !== 'single' && question.type !== 'multiple') return question;
  const options = [...question.options];
  for (const { questionnaire } of versions) {
    const older: Question | undefined = questionnaire.questions.find((q) => q.id === question.id);
    if (older?.type !== question.type) continue;
    for (const option of older.options) if (!options.some((o) => o.id === option.id)) options.push(option);
  }
  return { ...question, options };
}

/** The answers of one survey in the period, at the branches and on the channel asked for. */
function answersIn(db: Kysely<Database>, surveyId: string, selection: BranchSelection, range: DayRange, channel: SurveyChannel | null) {
  return db
    .selectFrom('survey_answers as a')
    .innerJoin('survey_responses as r', 'r.id', 'a.response_id')
    .where('a.survey_id', '=', surveyId)
    .where('r.day', '>=', range.from)
    .where('r.day', '<=', range.to)
    .$if(selection !== 'all', (qb) => qb.where('r.branch_id', 'in', selection as readonly string[]))
    .$if(channel !== null, (qb) => qb.where('r.channel', '=', channel!));
}

async function resultsOf(db: Kysely<Database>, survey: SurveyRow, selection: BranchSelection, range: DayRange, viewer: Viewer, channel: SurveyChannel | null): Promise<SurveyResults> {
  const nothing = selectsNothing(selection);
  const surveyBranches = survey.branch_ids === null ? null : new Set(JSON.parse(survey.branch_ids) as string[]);
  const [{ title, questions }, branches, responses, counts, answered, figures, texts] = await Promise.all([
    questionsOf(db, survey),
    listBranchRefs(db, selection),
    nothing
      ? []
      : db
          .selectFrom('survey_responses')
          .select((eb) => ['branch_id', 'channel', eb.fn.countAll<number>().as('count')])
          .where('survey_id', '=', survey.id)
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .$if(channel !== null, (qb) => qb.where('channel', '=', channel!))
          .groupBy(['branch_id', 'channel'])
          .execute(),
    nothing
      ? []
      : answersIn(db, survey.id, selection, range, channel)
          .select((eb) => ['a.question_id', 'a.type', 'a.score', 'a.value', 'a.option_id', eb.fn.countAll<number>().as('count')])
          .where('a.type', '!=', 'text')
          .groupBy(['a.question_id', 'a.type', 'a.score', 'a.value', 'a.option_id'])
          .execute(),
    nothing
      ? []
      : answersIn(db, survey.id, selection, range, channel)
          .select((eb) => ['a.question_id', 'a.type', eb.fn.count<number>('a.response_id').distinct().as('count')])
          .groupBy(['a.question_id', 'a.type'])
          .execute(),
    nothing
      ? []
      : answersIn(db, survey.id, selection, range, channel)
          .select((eb) => ['r.branch_id', 'r.channel', 'a.type', 'a.score', 'a.value', eb.fn.countAll<number>().as('count')])
          .where('a.type', 'in', ['faces', 'recommend'])
          .groupBy(['r.branch_id', 'r.channel', 'a.type', 'a.score', 'a.value'])
          .execute(),
    nothing
      ? []
      : answersIn(db, survey.id, selection, range, channel)
          .select((eb) => ['a.question_id', 'r.branch_id', eb.fn.countAll<number>().as('count')])
          .where('a.type', '=', 'text')
          .groupBy(['a.question_id', 'r.branch_id'])
          .execute(),
  ]);

  // The branches the survey ran at among those selected, and any other that has answers (the schedule may have changed).
  const answeredAt = new Set(responses.map((r) => r.branch_id));
  const rowBranches = branches.filter((b) => surveyBranches === null || surveyBranches.has(b.id) || answeredAt.has(b.id));
  const counter = await counterScores(db, rowBranches, range);

  const byBranch = new Map<string, SurveyFigures>(rowBranches.map((b) => [b.id, emptyFigures()]));
  const byChannel = new Map<SurveyChannel, SurveyFigures>(SURVEY_CHANNELS.map((c) => [c, emptyFigures()]));
  const total = emptyFigures();
  for (const row of responses) {
    const n = Number(row.count);
    total.responses += n;
    byChannel.get(row.channel as SurveyChannel)!.responses += n;
    const branch = byBranch.get(row.branch_id);
    if (branch) branch.responses += n;
  }
  for (const row of figures) {
    const n = Number(row.count);
    for (const into of [total, byChannel.get(row.channel as SurveyChannel), byBranch.get(row.branch_id)]) {
      if (!into) continue;
      if (row.type === 'faces' && row.score !== null) into.faces[row.score as Score] += n;
      if (row.type === 'recommend' && row.value !== null) into.recommend[row.value] = (into.recommend[row.value] ?? 0) + n;
    }
  }
  for (const f of [total, ...byChannel.values(), ...byBranch.values()]) settle(f);

  const visible = rowBranches.filter((b) => maySeeSurveyText(viewer, b.id));
  const names = new Map(branches.map((b) => [b.id, b.name]));
  const results: QuestionResult[] = [];
  for (const { question, current } of questions) {
    const mine = counts.filter((c) => c.question_id === question.id && c.type === question.type);
    const respondents = Number(answered.find((a) => a.question_id === question.id && a.type === question.type)?.count ?? 0);
    const base = { id: question.id, prompt: question.prompt, current, answered: respondents };
    switch (question.type) {
      case 'faces': {
        const scores = emptyScores();
        for (const c of mine) if (c.score !== null && (SCORES as readonly string[]).includes(c.score)) scores[c.score as Score] += Number(c.count);
        results.push({ ...base, type: 'faces', counts: scores, satisfaction: satisfactionRate(scores) });
        break;
      }
      case 'recommend': {
        const values = emptyRecommend();
        for (const c of mine) if (c.value !== null && c.value >= 0 && c.value <= 10) values[c.value]! += Number(c.count);
        results.push({ ...base, type: 'recommend', counts: values, recommendScore: recommendScore(values), ...recommendGroups(values) });
        break;
      }
      case 'single':
      case 'multiple': {
        const options = question.options.map((o): OptionResult => {
          const n = Number(mine.find((c) => c.option_id === o.id)?.count ?? 0);
          return { id: o.id, label: o.label, count: n, share: respondents > 0 ? n / respondents : null };
        });
        results.push({ ...base, type: question.type, options });
        break;
      }
      case 'text': {
        const shown = visible.length === 0 ? [] : await commentsOf(db, survey.id, question.id, visible, range, channel, names);
        const readable = new Set(visible.map((b) => b.id));
        const hidden = texts.filter((t) => t.question_id === question.id && !readable.has(t.branch_id)).reduce((s, t) => s + Number(t.count), 0);
        results.push({ ...base, type: 'text', comments: shown, hidden });
        break;
      }
    }
  }

  const scoresOfBranch = (id: string) => counter.get(id) ?? emptyScores();
  const counterTotal = rowBranches.reduce((sum, b) => addScores(sum, scoresOfBranch(b.id)), emptyScores());
  return {
    id: survey.id,
    name: survey.name,
    title,
    currentVersion: survey.current_version,
    startsOn: survey.starts_on,
    endsOn: survey.ends_on,
    channel,
    total,
    counterRatings: totalRatings(counterTotal),
    counterSatisfaction: satisfactionRate(counterTotal),
    questions: results,
    byBranch: rowBranches.map(
      (b): SurveyBranchRow => ({
        branchId: b.id,
        name: b.name,
        ...byBranch.get(b.id)!,
        counterRatings: totalRatings(scoresOfBranch(b.id)),
        counterSatisfaction: satisfactionRate(scoresOfBranch(b.id)),
      }),
    ),
    byChannel: SURVEY_CHANNELS.filter((c) => channel === null || c === channel).map((c): SurveyChannelRow => ({ channel: c, ...byChannel.get(c)! })),
  };
}

const emptyFigures = (): SurveyFigures => ({ responses: 0, faces: emptyScores(), satisfaction: null, recommend: emptyRecommend(), recommendScore: null });

function settle(figures: SurveyFigures): void {
  figures.satisfaction = satisfactionRate(figures.faces);
  figures.recommendScore = recommendScore(figures.recommend);
}

/** Each branch's counter ratings in the period, summed from the roll-up as the branches report sums them. */
async function counterScores(db: Kysely<Database>, branches: readonly BranchRef[], range: DayRange): Promise<Map<string, ScoreCounts>> {
  if (branches.length === 0) return new Map();
  const rows = await db
    .selectFrom('rating_branch_days')
    .select(['branch_id', ...scoreSums()])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .where('branch_id', 'in', branches.map((b) => b.id))
    .groupBy('branch_id')
    .execute();
  return new Map(rows.map((r) => [r.branch_id, scoresOf(r)]));
}

/** A text question's newest comments at the branches given, with where and when they were written. */
async function commentsOf(
  db: Kysely<Database>,
  surveyId: string,
  questionId: string,
  branches: readonly BranchRef[],
  range: DayRange,
  channel: SurveyChannel | null,
  names: ReadonlyMap<string, string>,
): Promise<SurveyComment[]> {
  const rows = await answersIn(db, surveyId, branches.map((b) => b.id), range, channel)
    .select(['a.text', 'r.day', 'r.branch_id', 'r.channel', 'r.language'])
    .where('a.question_id', '=', questionId)
    .where('a.type', '=', 'text')
    .orderBy('r.created_at', 'desc')
    .orderBy('r.seq', 'desc')
    .limit(MAX_SURVEY_COMMENTS)
    .execute();
  return rows.map((r) => ({
    text: r.text ?? '',
    day: r.day,
    branchId: r.branch_id,
    branchName: names.get(r.branch_id) ?? '',
    channel: r.channel as SurveyChannel,
    language: r.language as Language,
  }));
}
