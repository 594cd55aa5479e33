import type { TFunction } from 'i18next';
import { deadlineState, replyDueAt, type ComplaintCase, type ReplyDeadlines } from '../../domain/case.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import { isLanguage } from '../../domain/language.ts';

const HOUR = 3_600_000;

/** A date and time in the reader's language: "23 Nov 2026, 14:05". */
export const dateTime = (at: number, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(at);

/** "in 5 hours", "2 days ago": hours under two days, days after. */
export function relative(at: number, now: number, language: string): string {
  const hours = Math.round((at - now) / HOUR);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  return Math.abs(hours) < 48 ? format.format(hours, 'hour') : format.format(Math.round(hours / 24), 'day');
}

/** The deadline line of a case, and how urgent it is, for the list and the case screen. */
export function deadlineOf(c: ComplaintCase, now: number, deadlines: ReplyDeadlines, t: TFunction, language: string) {
  const state = deadlineState(c, now, deadlines);
  const due = replyDueAt(c, deadlines);
  if (due === null) return { state, text: t(`cases.status.${c.status}`) };
  const when = relative(due, now, language);
  return { state, text: t(state === 'red' ? 'cases.deadline.overdue' : 'cases.deadline.due', { when, at: dateTime(due, language) }) };
}

/** A member of the roster by id, as staff know them: "Wang Fang (2001)". */
export function staffName(config: DeviceConfig, id: string, t: TFunction): string {
  const member = config.tellers.find((m) => m.id === id);
  return member ? `${member.name} (${member.staffNumber})` : t('cases.unknownStaff');
}

/** Why a write was refused, for staff: the state machine's reason, else the store's (storage full …). */
export const failureText = (t: TFunction, reason: string): string =>
  t(`cases.refusal.${reason}`, { defaultValue: t(`errors.${reason}`, { defaultValue: t('errors.unknown') }) });

/** A topic of the branch in the reader's language; an id no longer in the configuration shows as itself. */
export function topicName(config: DeviceConfig, id: string, language: string): string {
  const topic = config.topics.find((x) => x.id === id);
  return topic ? topic.labels[isLanguage(language) ? language : config.branch.defaultLanguage] : id;
}
