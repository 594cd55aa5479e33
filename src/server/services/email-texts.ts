import type { AlertDetail, NotificationEvent } from '../../domain/alerts.ts';
import type { ToldAlert } from './notify.ts';
import type { Digest } from '../../domain/digest.ts';
import type { Language } from '../../domain/language.ts';
import type { Figure } from '../../domain/metrics.ts';
import type { Labels } from '../../domain/reports.ts';
import en from '../../locales/email/en.json';
import es from '../../locales/email/es.json';
import zhHans from '../../locales/email/zh-Hans.json';
import zhHant from '../../locales/email/zh-Hant.json';

/**
 * The e-mails' words in the recipient's language (src/locales/email): an alert raised,
 * escalated or acknowledged, the morning digest, the test message. Written here on the
 * server, from the notification's JSON, when it is sent: the same body a webhook gets. They
 * say what happened where and when, never what a customer wrote or how to reach them
 * (decision 0025), and every value in the HTML is escaped: a branch's or teller's name is
 * text typed on the dashboard.
 */

type Texts = { [key: string]: string | Texts };
export const EMAIL_TEXTS: Record<Language, Texts> = { en, es, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

/** One message: a subject, a plain text body and the same as HTML. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** What an alert's e-mail needs beyond the alert: its branch's zone (times are the branch's) and its reasons' labels. */
export interface AlertContext {
  timeZone: string;
  reasonLabels: ReadonlyMap<string, Labels>;
}

/** A text by its dotted key with `{{name}}` filled in; a key missing from a file is a bug (tests/server/services/email.test.ts checks all four). */
export function emailText(language: Language, key: string, values: Record<string, string | number> = {}): string {
  let found: string | Texts | undefined = EMAIL_TEXTS[language];
  for (const part of key.split('.')) found = typeof found === 'object' ? found[part] : undefined;
  if (typeof found !== 'string') throw new Error(`The e-mail text ${key} is missing in ${language}.`);
  return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name in values ? String(values[name]) : `{{${name}}}`));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** A time as the branch's clock showed it, with its zone, in the reader's language. */
export function formatTime(at: number, timeZone: string, language: Language): string {
  return new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(at);
}

const percent = (value: number, language: Language): string => new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);

/** A message's content before it is written out: a heading, sections of label–value rows and lines, a closing line. */
interface Section {
  title?: string;
  rows?: [string, string][];
  lines?: string[];
}

function write(language: Language, subject: string, heading: string, sections: Section[], footer: string): EmailMessage {
  const text = [heading, '', ...sections.flatMap((s) => [...(s.title ? [s.title] : []), ...(s.rows ?? []).map(([label, value]) => `${label}: ${value}`), ...(s.lines ?? []).map((line) => `- ${line}`), '']), footer].join('\n');
  const html = [
    `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<h1>${escapeHtml(heading)}</h1>`,
    ...sections.map(
      (s) =>
        (s.title ? `<h2>${escapeHtml(s.title)}</h2>` : '') +
        (s.rows?.length ? `<table>${s.rows.map(([label, value]) => `<tr><th scope="row" style="text-align:left;padding-right:1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>` : '') +
        (s.lines?.length ? `<ul>${s.lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>` : ''),
    ),
    `<p>${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

type AlertEvent = Exclude<NotificationEvent, 'digest'>;

/** An alert's e-mail: what, where, when (marked late, with its real time, when it is), who has it. */
export function alertEmail(event: AlertEvent, alert: ToldAlert, language: Language, context: AlertContext): EmailMessage {
  const t = (key: string, values?: Record<string, string | number>) => emailText(language, key, values);
  const time = (at: number) => formatTime(at, context.timeZone, language);
  const kind = t(`kind.${alert.kind}`);
  const level = t(`level.${alert.level}`);
  const subjectKey = event === 'alert-raised' && alert.late ? 'subject.alert-raised-late' : `subject.${event}`;
  const subject = t(subjectKey, { branch: alert.branchName, kind, level });
  const rows: [string, string][] = [
    [t('field.kind'), kind],
    [t('field.what'), detailText(alert.detail, language, context)],
  ];
  // Only the branch's own reasons, by their labels: an id a tablet made up is not text the bank's
  // mail server should carry to anyone.
  const reasons = reasonsOf(alert.detail).flatMap((id) => {
    const label = context.reasonLabels.get(id)?.[language];
    return label === undefined ? [] : [label];
  });
  if (reasons.length > 0) rows.push([t('field.reasons'), reasons.join(', ')]);
  rows.push(
    [t('field.branch'), alert.branchName],
    [t('field.counter'), alert.counterName ?? t('none')],
    [t('field.teller'), alert.tellerName ?? t('none')],
    [t('field.time'), alert.late ? t('late', { at: time(alert.occurredAt), received: time(alert.raisedAt) }) : time(alert.occurredAt)],
    [t('field.level'), level],
  );
  // The acknowledgement's comment is left out: staff may have written down what the customer said.
  if (alert.acknowledged) rows.push([t('field.acknowledged'), t('acknowledged', { name: alert.acknowledged.name, at: time(alert.acknowledged.at) })]);
  if (alert.caseId) rows.push([t('field.case'), t('acknowledged-case')]);
  return write(language, subject, t(`heading.${event}`), [{ rows }], t('alert-footer'));
}

const reasonsOf = (detail: AlertDetail): string[] => (detail.kind === 'dissatisfied' || detail.kind === 'low-with-reasons' ? detail.reasonIds : []);

function detailText(detail: AlertDetail, language: Language, context: AlertContext): string {
  const t = (key: string, values?: Record<string, string | number>) => emailText(language, key, values);
  switch (detail.kind) {
    case 'dissatisfied':
    case 'low-with-reasons':
      return t('detail.score', { score: t(`score.${detail.score}`) });
    case 'low-burst':
      return t('detail.burst', { count: detail.count, minutes: detail.minutes });
    case 'day-below-target':
      return t('detail.below-target', { satisfaction: percent(detail.satisfaction, language), ratings: detail.ratings, day: detail.day, target: percent(detail.target, language) });
    case 'complaint-wants-reply':
      return t('detail.reference', { code: detail.referenceCode });
    case 'case-deadline':
      return t('detail.deadline', { at: formatTime(detail.dueAt, context.timeZone, language) });
  }
}

/** The morning digest's e-mail: the three figures against their targets, the day's counts, the worst counters, the cases now. */
export function digestEmail(digest: Digest, language: Language): EmailMessage {
  const t = (key: string, values?: Record<string, string | number>) => emailText(language, key, values);
  const figureRow = (f: Figure): [string, string] => {
    const target = { comparison: t(`digest.${f.target.comparison}`), target: percent(f.target.value, language) };
    return [
      t(`digest.figure.${f.id}`),
      f.value === null
        ? t('digest.figure-none', target)
        : t('digest.figure-value', { value: percent(f.value, language), numerator: f.numerator, denominator: f.denominator, ...target, verdict: t(f.met ? 'digest.met' : 'digest.missed') }),
    ];
  };
  const min = digest.minCounterRatings;
  return write(
    language,
    t('subject.digest', { name: digest.name, day: digest.day }),
    t('heading.digest', { name: digest.name }),
    [
      { title: t('digest.figures'), rows: digest.figures.map(figureRow) },
      { title: t('digest.counts'), rows: [[t('digest.ratings'), String(digest.ratings)], [t('digest.entries'), String(digest.entries)]] },
      {
        title: t('digest.worst', { min }),
        lines:
          digest.worstCounters.length > 0
            ? digest.worstCounters.map((c) => t('digest.worst-row', { counter: c.counterName, branch: c.branchName, satisfaction: percent(c.satisfaction, language), ratings: c.ratings }))
            : [t('digest.worst-none', { min })],
      },
      { title: t('digest.cases'), rows: [[t('digest.open'), String(digest.openCases)], [t('digest.overdue'), String(digest.overdueCases)]] },
    ],
    t('digest.footer'),
  );
}

/** The test message the E-mail page sends: it says which SMTP server and sender address the server uses. */
export function testEmail(language: Language, smtp: { host: string; from: string }): EmailMessage {
  const t = (key: string, values?: Record<string, string | number>) => emailText(language, key, values);
  return write(language, t('subject.test'), t('heading.test'), [], t('test.body', smtp));
}
