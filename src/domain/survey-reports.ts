import * as v from 'valibot';
import { maySeeCaseText, type Viewer } from './access.ts';
import { IdSchema } from './ids.ts';
import type { Language } from './language.ts';
import type { ScoreCounts } from './metrics.ts';
import type { LocalDay } from './period.ts';
import type { Period } from './reports.ts';
import { SurveyChannelSchema, type LocalizedText, type QuestionType, type SurveyChannel } from './survey.ts';

/**
 * Reports › Surveys (GET /api/reports/surveys): what customers answered to a survey, per
 * question, branch and channel, over the header's period and scope, beside the counter
 * ratings of the same branches and days. Read from the answers as stored (survey_answers),
 * the period by each response's day at its branch.
 */

/**
 * The query's own fields beside the reports' (from, to, branchId, regionId, as
 * ReportQuerySchema): the survey (default: the one running now, else the latest) and one
 * channel (default: both).
 */
export const SurveyReportExtraSchema = v.strictObject({
  survey: v.optional(IdSchema),
  channel: v.optional(SurveyChannelSchema),
});
export type SurveyReportExtra = v.InferOutput<typeof SurveyReportExtraSchema>;

/** At most this many comments of one text question come with the report, newest first. */
export const MAX_SURVEY_COMMENTS = 200;

/** A survey in the page's picker: its name, days and channels. */
export interface SurveyPick {
  id: string;
  name: string;
  startsOn: LocalDay;
  endsOn: LocalDay;
  channels: SurveyChannel[];
}

interface QuestionResultBase {
  /** Kept across versions: the answers of every version to this id count together. */
  id: string;
  /** The wording of the current version; of the last version that asked it when it is no longer asked. */
  prompt: LocalizedText;
  /** False for a question an older version asked and the current one does not. */
  current: boolean;
  /** Responses that answered it. */
  answered: number;
}

/** The four faces: how many gave each, and the satisfied share as the counter ratings' (domain/metrics.ts). */
export interface FacesResult extends QuestionResultBase {
  type: 'faces';
  counts: ScoreCounts;
  satisfaction: number | null;
}

/** 0–10: how many gave each value (index = value), and the likelihood-to-recommend score. */
export interface RecommendResult extends QuestionResultBase {
  type: 'recommend';
  counts: number[];
  recommendScore: number | null;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface OptionResult {
  id: string;
  label: LocalizedText;
  count: number;
  /** Of the responses that answered the question: one choice adds up to 1, several may add up to more. */
  share: number | null;
}

export interface ChoiceResult extends QuestionResultBase {
  type: 'single' | 'multiple';
  options: OptionResult[];
}

/** One customer's words, with where and when, never who. */
export interface SurveyComment {
  text: string;
  day: LocalDay;
  branchId: string;
  branchName: string;
  channel: SurveyChannel;
  language: Language;
}

export interface TextResult extends QuestionResultBase {
  type: 'text';
  /** Newest first, at most MAX_SURVEY_COMMENTS, of the branches whose customers' words the viewer may read. */
  comments: SurveyComment[];
  /** Answers not sent to this viewer (customers' words of branches whose words they may not read). */
  hidden: number;
}

export type QuestionResult = FacesResult | RecommendResult | ChoiceResult | TextResult;

/** What a group of responses (a branch, a channel, all) says in two figures. */
export interface SurveyFigures {
  responses: number;
  /** Every faces question's answers together. */
  faces: ScoreCounts;
  satisfaction: number | null;
  /** Every recommend question's answers together (index = value). */
  recommend: number[];
  recommendScore: number | null;
}

/** A branch's figures beside its counter ratings in the same days (rating_branch_days, as the other reports). */
export interface SurveyBranchRow extends SurveyFigures {
  branchId: string;
  name: string;
  counterRatings: number;
  counterSatisfaction: number | null;
}

export interface SurveyChannelRow extends SurveyFigures {
  channel: SurveyChannel;
}

export interface SurveyResults {
  id: string;
  name: string;
  title: LocalizedText;
  currentVersion: number;
  startsOn: LocalDay;
  endsOn: LocalDay;
  /** The channel asked for; null: both. */
  channel: SurveyChannel | null;
  total: SurveyFigures;
  /** The counter ratings of the branches in `byBranch`, in the same days. */
  counterRatings: number;
  counterSatisfaction: number | null;
  questions: QuestionResult[];
  byBranch: SurveyBranchRow[];
  byChannel: SurveyChannelRow[];
}

/** GET /api/reports/surveys. */
export interface SurveysReport {
  period: Period;
  /** The surveys of the viewer's branches, the newest first. */
  surveys: SurveyPick[];
  /** Null when there is none. */
  survey: SurveyResults | null;
}

/** The question types whose answers are figures (the rest are words). */
export const FIGURE_QUESTION_TYPES = ['faces', 'recommend', 'single', 'multiple'] as const satisfies readonly QuestionType[];

/**
 * Whether the viewer may read what customers wrote in a branch's surveys: as a complaint
 * case's words (docs/privacy.md), the branch's own manager; a survey's comment is never
 * escalated, so head office and a regional manager get how many there were, not the words.
 */
export const maySeeSurveyText = (viewer: Viewer, branchId: string): boolean => maySeeCaseText(viewer, { branchId, escalated: false });

/** Promoters (9–10), passives (7–8) and detractors (0–6) of 0–10 counts. */
export function recommendGroups(counts: readonly number[]): { promoters: number; passives: number; detractors: number } {
  const sum = (from: number, to: number) => counts.slice(from, to + 1).reduce((s, n) => s + n, 0);
  return { promoters: sum(9, 10), passives: sum(7, 8), detractors: sum(0, 6) };
}

export const emptyRecommend = (): number[] => Array.from({ length: 11 }, () => 0);
