import { describe, expect, it } from 'vitest';
import { ACCOUNT_ROLES, type NewPasswordProblem } from '../../../src/domain/access.ts';
import { CASE_CHANNELS, CASE_EVENT_TYPES, FOLLOW_UP_OUTCOMES, REPLY_CHANNELS } from '../../../src/domain/case.ts';
import { CLOSE_STATES } from '../../../src/domain/day-close.ts';
import { LANGUAGES } from '../../../src/domain/language.ts';
import { SETUP_LISTS } from '../../../src/domain/manage-setup.ts';
import { ACCOUNT_KINDS } from '../../../src/domain/manage-accounts.ts';
import { FIGURE_IDS } from '../../../src/domain/metrics.ts';
import { VOICE_LOCALES } from '../../../src/domain/voice.ts';
import { OPINION_KINDS } from '../../../src/domain/opinion.ts';
import { PERIOD_KINDS } from '../../../src/domain/period.ts';
import { FLAG_KINDS } from '../../../src/domain/queue.ts';
import { REASON_SCORES } from '../../../src/domain/reason.ts';
import { AUDIT_ACTIONS, RETENTION_FIELDS, type Erasure, type Verified } from '../../../src/domain/privacy.ts';
import { FLEET_STATES } from '../../../src/domain/reports.ts';
import { QUESTION_TYPES, SURVEY_CHANNELS } from '../../../src/domain/survey.ts';
import type { DraftProblem } from '../../../src/ui/dashboard/survey-draft.ts';
import type { SurveyState } from '../../../src/ui/dashboard/pages/Surveys.tsx';
import type { ApiFailure } from '../../../src/ui/dashboard/api.ts';
import type { RangeProblem } from '../../../src/ui/dashboard/filters.ts';
import { QUERY_KINDS, QUERY_PROBLEMS, type AuditDaysProblem } from '../../../src/ui/dashboard/privacy.ts';
import { dashboardResources } from '../../../src/ui/dashboard/locales.ts';
import { PAGES } from '../../../src/ui/dashboard/route.ts';
import { CAMERA_PROBLEMS } from '../../../src/ui/dashboard/photo.ts';
import { resources } from '../../../src/ui/i18n.ts';

// Every failure the API client can give, shown as `dashboard.errors.<reason>`: the compiler
// refuses this table when a reason is added to the client and not here.
const FAILURES = {
  unauthorized: '401',
  forbidden: '403',
  'not-found': '404',
  'bad-request': 'other 4xx',
  'rate-limited': '429',
  'server-error': '5xx',
  unreachable: 'fetch failed',
  timeout: 'no answer in time',
  'bad-response': 'not JSON',
  'password-change-required': '403 { code: password-change-required }',
  'wrong-password': '403 { code: wrong-password }',
} as const satisfies Record<ApiFailure, string>;
// Manage › Surveys: what a field of the editor may lack, and where a survey is in its days.
const DRAFT_PROBLEMS = { empty: '', tooLong: '', fewOptions: '', manyOptions: '', noQuestions: '', manyQuestions: '', noDay: '', reversed: '', past: '', noBranches: '', noChannels: '' } as const satisfies Record<DraftProblem['code'], string>;
const SURVEY_STATES = { running: '', scheduled: '', ended: '' } as const satisfies Record<SurveyState, string>;
// Every rule of a new password the change screen may name, as `dashboard.password.problem.<problem>`.
const NEW_PASSWORD_PROBLEMS = { 'current-empty': '', 'too-short': '', 'too-long': '', 'same-as-current': '', mismatch: '' } as const satisfies Record<NewPasswordProblem, string>;
const RANGE_PROBLEMS = { incomplete: '', reversed: '', 'too-long': '' } as const satisfies Record<RangeProblem, string>;
// The privacy desk: how the server checked an actor, why an erasure kept something, what is wrong with the audit log's days.
const VERIFIED = { 'staff-session': '', 'dashboard-session': '', 'server-shell': '', server: '' } as const satisfies Record<Verified, string>;
const KEPT_WHY = { 'case-open': '' } as const satisfies Record<Erasure['kept'][number]['why'], string>;
const AUDIT_DAYS_PROBLEMS = { incomplete: '', reversed: '', 'too-long': '' } as const satisfies Record<AuditDaysProblem, string>;

function flatten(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') for (const entry of flatten(value, path)) out.set(...entry);
    else out.set(path, value);
  }
  return out;
}

const flat = Object.fromEntries(LANGUAGES.map((lng) => [lng, flatten(dashboardResources[lng])])) as Record<(typeof LANGUAGES)[number], Map<string, unknown>>;
const allKeys = [...new Set(LANGUAGES.flatMap((lng) => [...flat[lng].keys()]))].sort();
const placeholders = (value: unknown) => [...String(value).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

/** Keys the screens build from the domain's lists: each value of each list needs a text. */
const BUILT_KEYS = [
  ...Object.keys(FAILURES).map((r) => `dashboard.errors.${r}`),
  ...Object.keys(RANGE_PROBLEMS).map((p) => `dashboard.filters.problem.${p}`),
  ...Object.keys(NEW_PASSWORD_PROBLEMS).map((p) => `dashboard.password.problem.${p}`),
  ...PAGES.map((p) => `dashboard.nav.${p}`),
  ...PERIOD_KINDS.map((p) => `dashboard.period.${p}`),
  ...FIGURE_IDS.map((f) => `dashboard.figure.${f}`),
  ...ACCOUNT_ROLES.map((r) => `dashboard.role.${r}`),
  ...CASE_CHANNELS.map((c) => `dashboard.channel.${c}`),
  ...OPINION_KINDS.map((k) => `dashboard.opinionKind.${k}`),
  ...FLEET_STATES.map((s) => `dashboard.fleetState.${s}`),
  ...CLOSE_STATES.map((s) => `dashboard.closeState.${s}`),
  ...CAMERA_PROBLEMS.map((p) => `dashboard.camera.problem.${p}`),
  ...['open', 'escalated', 'replied', 'signed-off'].map((s) => `dashboard.caseStatus.${s}`),
  ...AUDIT_ACTIONS.map((a) => `dashboard.privacy.action.${a}`),
  ...ACCOUNT_KINDS.map((k) => `dashboard.accounts.kind.${k}`),
  ...['headOffice', 'region', 'branch'].flatMap((scope) => [`dashboard.accounts.intro.${scope}`, `dashboard.accounts.rosterNote.${scope}`]),
  ...['reset', 'disable'].flatMap((act) => ['Title', '', 'Detail'].map((part) => `dashboard.accounts.confirm.${act}${part}`)),
  ...['forbidden', 'bad-request', 'not-found'].map((reason) => `dashboard.accounts.errors.${reason}`),
  ...['forbidden', 'bad-request', 'not-found'].map((reason) => `dashboard.network.errors.${reason}`),
  ...Object.values(VOICE_LOCALES).flat().map((locale) => `dashboard.network.voice.${locale}`),
  ...FIGURE_IDS.map((f) => `dashboard.network.target.${f}`),
  ...REASON_SCORES.map((score) => `dashboard.setup.reasons.offered.${score}`),
  ...OPINION_KINDS.map((k) => `dashboard.setup.topics.offered.${k}`),
  ...SETUP_LISTS.flatMap((list) => ['title', 'detail', 'empty', 'offeredBy', 'offeredLegend', 'addTitle', 'add', 'editTitle', 'added', 'saved', 'errors.offeredEmpty'].map((key) => `dashboard.setup.${list}.${key}`)),
  ...LANGUAGES.map((language) => `dashboard.setup.labelIn.${language}`),
  ...Object.keys(VERIFIED).map((v) => `dashboard.privacy.verified.${v}`),
  ...Object.keys(KEPT_WHY).map((w) => `dashboard.privacy.kept.${w}`),
  ...Object.keys(AUDIT_DAYS_PROBLEMS).map((p) => `dashboard.privacy.audit.problem.${p}`),
  ...QUERY_KINDS.flatMap((k) => [`dashboard.privacy.by.${k}`, `dashboard.privacy.field.${k}`, `dashboard.privacy.hint.${k}`, `dashboard.privacy.nothing.${k}`, `dashboard.privacy.subjectBy.${k}`]),
  ...QUERY_PROBLEMS.map((p) => `dashboard.privacy.problem.${p}`),
  ...OPINION_KINDS.map((k) => `dashboard.privacy.entryKind.${k}`),
  ...CASE_EVENT_TYPES.map((type) => `dashboard.privacy.step.${type}`),
  ...REPLY_CHANNELS.map((c) => `dashboard.privacy.replyChannel.${c}`),
  ...FOLLOW_UP_OUTCOMES.map((o) => `dashboard.privacy.outcome.${o}`),
  ...RETENTION_FIELDS.flatMap((f) => [`dashboard.privacy.retention.field.${f}`, `dashboard.privacy.retention.rule.${f}`]),
  ...FLAG_KINDS.map((kind) => `dashboard.flags.kind.${kind}`),
  ...['exclude', 'include'].flatMap((act) => [`dashboard.flags.${act}`, `dashboard.flags.${act}Named`, `dashboard.flags.errors.conflict.${act}`]),
  ...['forbidden', 'bad-request', 'not-found'].flatMap((reason) => [`dashboard.flags.errors.${reason}`, `dashboard.queue.errors.${reason}`]),
  ...['invalid-event', 'unknown-counter', 'other'].map((reason) => `dashboard.queue.import.reason.${reason}`),
  ...QUESTION_TYPES.flatMap((type) => [`dashboard.surveys.type.${type}`, `dashboard.surveys.typeHint.${type}`]),
  ...SURVEY_CHANNELS.flatMap((channel) => [`dashboard.surveys.channel.${channel}`, `dashboard.surveys.channelHint.${channel}`]),
  ...Object.keys(SURVEY_STATES).flatMap((state) => [`dashboard.surveys.state.${state}`, `dashboard.surveys.stateWord.${state}`]),
  ...Object.keys(DRAFT_PROBLEMS).map((code) => `dashboard.surveys.errors.${code}`),
  ...['forbidden', 'bad-request', 'not-found'].map((reason) => `dashboard.surveys.errors.${reason}`),
  ...['forbidden', 'not-found'].map((reason) => `dashboard.surveys.cards.errors.${reason}`),
  ...SURVEY_CHANNELS.map((channel) => `dashboard.surveyResults.channels.${channel}`),
];

describe('the dashboard locales', () => {
  it('given the chunk, then its one top-level key is its own: merging never hides a shared text', () => {
    for (const lng of LANGUAGES) {
      expect(Object.keys(dashboardResources[lng])).toEqual(['dashboard']);
      expect('dashboard' in resources[lng].translation).toBe(false);
    }
  });

  it.each(LANGUAGES)('given %s, then it has every key any other language has', (lng) => {
    const missing = allKeys.filter((key) => !flat[lng].has(key));
    expect(missing, `${lng} is missing: ${missing.join(', ')}`).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then every value is a non-empty text with the same {{placeholders}} as English', (lng) => {
    const wrong = [...flat.en].filter(([key, value]) => typeof flat[lng].get(key) !== 'string' || String(flat[lng].get(key)).trim() === '' || placeholders(flat[lng].get(key)).join() !== placeholders(value).join());
    expect(wrong.map(([key]) => key)).toEqual([]);
  });

  it.each(LANGUAGES)('given %s, then every key the screens build from the domain has a text', (lng) => {
    const missing = BUILT_KEYS.filter((key) => !flat[lng].has(key));
    expect(missing).toEqual([]);
  });

  it('given Traditional Chinese, then no common Simplified character slipped in (and the other way round)', () => {
    const simplified = /[这们说对时没设备网录报问关应数选择员还后为发请将条于认证变个开总达项样终权账户联页击载]/;
    const traditional = /[這們說對時沒設備網錄報問關應數選擇員還後為發請將條於認證變個開總達項樣終權帳戶聯頁擊載]/;
    expect([...flat['zh-Hant']].filter(([, value]) => simplified.test(String(value))).map(([key]) => key)).toEqual([]);
    expect([...flat['zh-Hans']].filter(([, value]) => traditional.test(String(value))).map(([key]) => key)).toEqual([]);
  });
});
