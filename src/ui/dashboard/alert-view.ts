import type { TFunction } from 'i18next';
import type { AccountRole } from '../../domain/access.ts';
import type { AlertLevel, AlertStreamMessage, AlertView } from '../../domain/alerts.ts';
import type { Labels } from '../../domain/reports.ts';
import { labelOf } from './labels.ts';

/**
 * The Alerts page's pure parts: an alert in plain words in the reader's language, the order
 * of the list, what a stream message does to a list, and which messages are told out loud.
 * The clock and the zone are passed in.
 */

/** A branch's reason and topic labels, by id, from its setup (GET /api/manage/branches/:id/setup). */
export interface BranchLabels {
  reasons: ReadonlyMap<string, Labels>;
  topics: ReadonlyMap<string, Labels>;
  /** The topics a new case may take, in the branch's order. */
  activeTopics: readonly string[];
}

export const isOpen = (alert: AlertView): boolean => alert.acknowledged === null;

/** Open alerts first, newest first; then the acknowledged, the latest acknowledged first. */
export function sortAlerts(alerts: readonly AlertView[]): AlertView[] {
  return [...alerts].sort((a, b) => {
    if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
    if (isOpen(a)) return b.raisedAt - a.raisedAt || b.seq - a.seq;
    return (b.acknowledged?.at ?? 0) - (a.acknowledged?.at ?? 0) || b.raisedAt - a.raisedAt;
  });
}

/** A list after a stream message: the alert replaced by its newer state, or added at the top. */
export function applyMessage(alerts: readonly AlertView[], message: AlertStreamMessage): AlertView[] {
  const others = alerts.filter((a) => a.id !== message.alert.id);
  return sortAlerts([message.alert, ...others]);
}

/** The level each dashboard role answers for: a branch manager the branch, a regional manager the region, head office the top. */
export function viewerLevel(role: AccountRole): AlertLevel | null {
  if (role === 'branch-manager') return 'branch';
  if (role === 'regional-manager') return 'region';
  if (role === 'head-office') return 'head-office';
  return null;
}

/**
 * Whether a message deserves the banner: a new alert, or one escalated to the viewer's own
 * level. An acknowledgement or a case is news to nobody who must act.
 */
export function notifies(message: AlertStreamMessage, role: AccountRole): boolean {
  if (message.type === 'raised') return true;
  return message.type === 'escalated' && message.alert.level === viewerLevel(role);
}

/**
 * Whether a message rings the chime (when the viewer switched Sound on): a notice that is
 * news now. A late alert (its rating came long after it was made: the customer has left)
 * is shown, never sounded.
 */
export const sounds = (message: AlertStreamMessage, role: AccountRole): boolean => notifies(message, role) && !message.alert.late;

/** A time of day where the branch is, on the 24-hour clock branches keep their logs in: "10:42", "13:40". */
export const timeOfDay = (at: number, language: string, timeZone: string): string =>
  new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);

/** The reasons of a rating alert in the reader's language, as the branch labelled them. */
/** The opinion-box topic of a complaint alert in the reader's language; null for other kinds. */
export function topicLabel(alert: AlertView, labels: BranchLabels | null, t: TFunction, language: string): string | null {
  if (alert.detail.kind !== 'complaint-wants-reply') return null;
  return labelOf(labels?.topics.get(alert.detail.topicId) ?? null, alert.detail.topicId, t, language);
}

export function reasonLabels(alert: AlertView, labels: BranchLabels | null, t: TFunction, language: string): string[] {
  if (alert.detail.kind !== 'dissatisfied' && alert.detail.kind !== 'low-with-reasons') return [];
  return alert.detail.reasonIds.map((id) => labelOf(labels?.reasons.get(id) ?? null, id, t, language));
}

/** What happened, in a few words: "Dissatisfied rating", "3 low ratings within 15 minutes". Needs no branch labels, so a notice can say it at once. */
export function headline(alert: AlertView, t: TFunction, language: string, timeZone: string): string {
  const d = alert.detail;
  switch (d.kind) {
    case 'dissatisfied':
    case 'low-with-reasons':
      return t(`dashboard.alerts.score.${d.score === 'neutral' ? 'neutral' : 'dissatisfied'}`);
    case 'low-burst':
      return t('dashboard.alerts.headline.lowBurst', { count: d.count, minutes: d.minutes });
    case 'day-below-target':
      return t('dashboard.alerts.headline.dayBelowTarget', {
        satisfaction: new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(d.satisfaction),
        target: new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(d.target),
        ratings: d.ratings,
      });
    case 'complaint-wants-reply':
      return t('dashboard.alerts.headline.wantsReply', { code: d.referenceCode });
    case 'case-deadline':
      return t('dashboard.alerts.headline.caseDeadline', { time: timeOfDay(d.dueAt, language, timeZone) });
  }
}

/** Where it happened: "Counter 2 (teller Wang Fang)", "Counter 2", "teller Wang Fang", or null. */
export function placeOf(alert: AlertView, t: TFunction): string | null {
  if (alert.counterName && alert.tellerName) return t('dashboard.alerts.place.counterTeller', { counter: alert.counterName, teller: alert.tellerName });
  if (alert.counterName) return alert.counterName;
  if (alert.tellerName) return t('dashboard.alerts.place.teller', { teller: alert.tellerName });
  return null;
}

/**
 * A complaint case's summary made from an alert, for the manager to edit before opening it:
 * "Dissatisfied rating at Counter 2 (teller Wang Fang) at 10:42. Reasons: Waiting time, Attitude."
 */
export function caseSummary(alert: AlertView, labels: BranchLabels | null, t: TFunction, language: string, timeZone: string): string {
  const what = headline(alert, t, language, timeZone);
  const time = timeOfDay(alert.occurredAt, language, timeZone);
  const place = placeOf(alert, t);
  const first = place ? t('dashboard.alerts.summary.at', { what, place, time }) : t('dashboard.alerts.summary.noPlace', { what, time });
  const reasons = reasonLabels(alert, labels, t, language);
  return reasons.length > 0 ? `${first} ${t('dashboard.alerts.summary.reasons', { reasons: reasons.join(t('dashboard.alerts.listSeparator')) })}` : first;
}
