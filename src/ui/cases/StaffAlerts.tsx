import type { TFunction } from 'i18next';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AlertView } from '../../domain/alerts.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import { acknowledgeStaffAlert, fetchStaffAlerts, type StaffAlertFailure } from '../../sync/staff-alerts.ts';
import { staffSessionHeaders, type StaffSession } from '../../sync/staff-session.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { addStaffAlertLocales } from '../components/staff-alerts-locales.ts';
import { labelIn } from '../lobby/steps.tsx';
import { useServices, useT } from '../services.tsx';
import { dateTime } from './format.ts';

/** How often staff mode asks for the branch's alerts while it is open and the tablet online. */
export const STAFF_ALERTS_POLL_MS = 15_000;

/** The tablet's network as the browser tells it, followed live. */
function useOnline(): boolean {
  const [online, setOnline] = useState(() => globalThis.navigator?.onLine !== false);
  useEffect(() => {
    const update = () => setOnline(globalThis.navigator?.onLine !== false);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export interface StaffAlertsState {
  /** Null until the first answer. */
  alerts: AlertView[] | null;
  failure: StaffAlertFailure | null;
  online: boolean;
  /** The newest open alert that arrived while staff mode was open; null once seen. */
  fresh: AlertView | null;
  dismissFresh: () => void;
  refresh: () => void;
  /** An alert as the server now has it (after an acknowledgement). */
  replace: (alert: AlertView) => void;
}

/**
 * The branch's alerts for the desk: asked at once and every 15 s while staff mode is open and
 * the tablet online, never offline, and no more once the desk closes (sign-out, idle). An open
 * alert not in the previous answer is fresh: the desk says so.
 */
export function useStaffAlerts(session: StaffSession, device: EnrolledDevice): StaffAlertsState {
  const { http } = useServices();
  const online = useOnline();
  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const [failure, setFailure] = useState<StaffAlertFailure | null>(null);
  const [fresh, setFresh] = useState<AlertView | null>(null);
  const [round, setRound] = useState(0);
  const known = useRef<Set<string> | null>(null);
  const token = device.identity.token;

  useEffect(() => {
    if (!online || !staffSessionHeaders(session)) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ask = async () => {
      const answer = await fetchStaffAlerts(http, token, session);
      if (!live) return;
      if (answer.ok) {
        const open = answer.value.filter((a) => a.acknowledged === null);
        // The first answer is what was already there: only later arrivals are news.
        if (known.current) {
          const arrived = open.filter((a) => !known.current!.has(a.id));
          if (arrived.length > 0) setFresh(arrived.reduce((a, b) => (b.raisedAt > a.raisedAt ? b : a)));
        }
        known.current = new Set([...(known.current ?? []), ...answer.value.map((a) => a.id)]);
        setAlerts(answer.value);
        setFailure(null);
      } else setFailure(answer.reason);
      timer = setTimeout(() => void ask(), STAFF_ALERTS_POLL_MS);
    };
    void ask();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [http, token, session, online, round]);

  const refresh = useCallback(() => setRound((n) => n + 1), []);
  const replace = useCallback((alert: AlertView) => setAlerts((current) => (current ?? []).map((a) => (a.id === alert.id ? alert : a))), []);
  return { alerts, failure, online, fresh, dismissFresh: () => setFresh(null), refresh, replace };
}

/** What happened, in a few words, in the tablet's language. */
export function alertHeadline(alert: AlertView, t: TFunction, language: string): string {
  const d = alert.detail;
  const time = (at: number) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  const share = (value: number) => new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  switch (d.kind) {
    case 'dissatisfied':
    case 'low-with-reasons':
      return t(`staffAlerts.score.${d.score === 'neutral' ? 'neutral' : 'dissatisfied'}`);
    case 'low-burst':
      return t('staffAlerts.headline.lowBurst', { count: d.count, minutes: d.minutes });
    case 'day-below-target':
      return t('staffAlerts.headline.dayBelowTarget', { satisfaction: share(d.satisfaction), target: share(d.target) });
    case 'complaint-wants-reply':
      return t('staffAlerts.headline.wantsReply', { code: d.referenceCode });
    case 'case-deadline':
      return t('staffAlerts.headline.caseDeadline', { time: time(d.dueAt) });
  }
}

const timeOfDay = (at: number, language: string) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

function placeOf(alert: AlertView, t: TFunction): string | null {
  if (alert.counterName && alert.tellerName) return t('staffAlerts.place.counterTeller', { counter: alert.counterName, teller: alert.tellerName });
  if (alert.counterName) return alert.counterName;
  if (alert.tellerName) return t('staffAlerts.place.teller', { teller: alert.tellerName });
  return null;
}

/** The reasons of a rating alert, as the branch labels them in the tablet's language. */
function reasonsOf(alert: AlertView, config: DeviceConfig, language: string): string[] {
  if (alert.detail.kind !== 'dissatisfied' && alert.detail.kind !== 'low-with-reasons') return [];
  return alert.detail.reasonIds.map((id) => {
    const reason = config.reasons.find((r) => r.id === id);
    return reason ? labelIn(reason.labels, language) : id;
  });
}

/** A new case's summary made from an alert, for staff to complete: its teller, counter, time and reasons. */
export function alertCaseSummary(alert: AlertView, config: DeviceConfig, t: TFunction, language: string): string {
  const what = alertHeadline(alert, t, language);
  const time = timeOfDay(alert.occurredAt, language);
  const place = placeOf(alert, t);
  const first = place ? t('staffAlerts.summary.at', { what, place, time }) : t('staffAlerts.summary.noPlace', { what, time });
  const reasons = reasonsOf(alert, config, language);
  return reasons.length > 0 ? `${first} ${t('staffAlerts.summary.reasons', { reasons: reasons.join(t('staffAlerts.listSeparator')) })}` : first;
}

const FAILURE_KEYS: Partial<Record<StaffAlertFailure, string>> = {
  conflict: 'staffAlerts.errors.conflict',
  'not-found': 'staffAlerts.errors.not-found',
  'staff-session-required': 'staffAlerts.needsServer',
  offline: 'staffAlerts.offline',
};

/**
 * Alerts on the lobby tablet: the branch's open alerts, newest first, then those acknowledged
 * today. Each may be acknowledged with a comment (online, with a sign-in the server checked:
 * otherwise the screen says why it cannot), or turned into a complaint case through the
 * tablet's own New case, after which the alert is acknowledged with the case's id.
 */
export function StaffAlerts({ session, device, state, onNewCase }: {
  session: StaffSession;
  device: EnrolledDevice;
  state: StaffAlertsState;
  onNewCase: (alert: AlertView) => void;
}) {
  const { i18n } = useServices();
  useState(() => addStaffAlertLocales(i18n));
  const { t, language } = useT();
  const { config } = device;
  const token = device.identity.token;
  const [acking, setAcking] = useState<AlertView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const verified = staffSessionHeaders(session) !== null;
  const why = !state.online ? t('staffAlerts.offline') : !verified ? t('staffAlerts.needsServer') : null;
  const alerts = state.alerts ?? [];
  const open = alerts.filter((a) => a.acknowledged === null).sort((a, b) => b.raisedAt - a.raisedAt);
  const acknowledged = alerts.filter((a) => a.acknowledged !== null).sort((a, b) => (b.acknowledged?.at ?? 0) - (a.acknowledged?.at ?? 0));

  const card = (alert: AlertView) => {
    const place = placeOf(alert, t);
    const reasons = reasonsOf(alert, config, language);
    const titleId = `staff-alert-${alert.id}`;
    return (
      <li key={alert.id} class={`entry staff-alert${alert.acknowledged ? '' : ' staff-alert-open'}`} aria-labelledby={titleId} data-alert-id={alert.id}>
        <p class="entry-head" id={titleId}>
          {alert.late && <span class="chip staff-alert-late">{t('staffAlerts.late')}</span>} <strong>{alertHeadline(alert, t, language)}</strong>
          {place && ` · ${place}`}
        </p>
        <p class="hint">
          {alert.late ? t('staffAlerts.lateWhen', { given: timeOfDay(alert.occurredAt, language), arrived: timeOfDay(alert.raisedAt, language) }) : dateTime(alert.occurredAt, language)}
          {' · '}
          {t(`staffAlerts.levels.${alert.level}`)}
        </p>
        {reasons.length > 0 && <p>{t('staffAlerts.reasons', { reasons: reasons.join(t('staffAlerts.listSeparator')) })}</p>}
        {!alert.acknowledged && alert.escalateAt !== null && <p class="hint">{t('staffAlerts.escalatesAt', { time: timeOfDay(alert.escalateAt, language) })}</p>}
        {alert.acknowledged && <p class="hint">{t('staffAlerts.ackLine', { name: alert.acknowledged.name, time: timeOfDay(alert.acknowledged.at, language), comment: alert.acknowledged.comment })}</p>}
        {alert.caseId && <p><span class="chip">{t('staffAlerts.caseOpened')}</span></p>}
        {!alert.acknowledged && (
          <div class="entry-actions">
            <button type="button" class="primary" disabled={why !== null} aria-describedby={why ? 'staff-alerts-why' : undefined} onClick={() => setAcking(alert)}>
              {t('staffAlerts.ack')}
            </button>
            {!alert.caseId && (
              <button type="button" disabled={why !== null} aria-describedby={why ? 'staff-alerts-why' : undefined} onClick={() => onNewCase(alert)}>
                {t('staffAlerts.openCase')}
              </button>
            )}
          </div>
        )}
      </li>
    );
  };

  return (
    <section class="daily-review staff-alerts" data-screen="staff-alerts" aria-labelledby="staff-alerts-title">
      <div class="review-head">
        <h1 id="staff-alerts-title">{t('staffAlerts.title')}</h1>
        <button type="button" onClick={state.refresh} disabled={!state.online}>
          {t('staffAlerts.refresh')}
        </button>
      </div>
      <p class="hint">{t('staffAlerts.intro')}</p>
      {why && (
        <p class="desk-note" id="staff-alerts-why">
          {why}
        </p>
      )}
      <p class="done" role="status">
        {done}
      </p>
      <p class="error" role="alert">
        {problem ?? (state.failure && state.failure !== 'offline' ? t(FAILURE_KEYS[state.failure] ?? 'staffAlerts.errors.failed') : null)}
      </p>
      {state.alerts === null && state.online && <p aria-busy="true">{t('staffAlerts.loading')}</p>}
      <h2>{t('staffAlerts.openTitle')}</h2>
      {open.length === 0 ? <p class="desk-note">{t('staffAlerts.noneOpen')}</p> : <ul class="entries">{open.map(card)}</ul>}
      <h2>{t('staffAlerts.doneTitle')}</h2>
      {acknowledged.length === 0 ? <p class="desk-note">{t('staffAlerts.noneDone')}</p> : <ul class="entries">{acknowledged.map(card)}</ul>}
      {acking && (
        <AckDialog
          alert={acking}
          session={session}
          token={token}
          onClose={() => setAcking(null)}
          onDone={(alert) => {
            setAcking(null);
            state.replace(alert);
            setProblem(null);
            setDone(t('staffAlerts.acknowledgedDone'));
          }}
          onConflict={(message) => {
            setAcking(null);
            setDone(null);
            setProblem(message);
            state.refresh();
          }}
        />
      )}
    </section>
  );
}

function AckDialog({ alert, session, token, onClose, onDone, onConflict }: {
  alert: AlertView;
  session: StaffSession;
  /** The tablet's device token: the alerts' requests carry it as every request does. */
  token: string;
  onClose: () => void;
  onDone: (alert: AlertView) => void;
  onConflict: (message: string) => void;
}) {
  const { http } = useServices();
  const { t, language } = useT();
  const ids = { title: useId(), comment: useId() };
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const busy = useRef(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy.current) return;
    if (!comment.trim()) {
      setProblem(t('staffAlerts.errors.commentEmpty'));
      document.getElementById(ids.comment)?.focus();
      return;
    }
    busy.current = true;
    const answer = await acknowledgeStaffAlert(http, token, session, alert.id, { comment: comment.trim() });
    busy.current = false;
    if (answer.ok) return onDone(answer.value);
    if (answer.reason === 'conflict' || answer.reason === 'not-found') return onConflict(t(FAILURE_KEYS[answer.reason]!));
    setProblem(t(FAILURE_KEYS[answer.reason] ?? 'staffAlerts.errors.ackFailed'));
  }

  return (
    <ModalDialog labelledBy={ids.title} onEscape={onClose} screen="staff-alert-ack">
      <form class="panel staff-alert-ack" onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={ids.title}>{t('staffAlerts.ackTitle')}</h2>
        <p>{alertHeadline(alert, t, language)}</p>
        <label for={ids.comment}>{t('staffAlerts.comment')}</label>
        <textarea id={ids.comment} rows={3} maxLength={1000} autoFocus value={comment} aria-invalid={problem !== null} onInput={(e) => setComment(e.currentTarget.value)} />
        <p class="error" role="alert">
          {problem}
        </p>
        <div class="actions">
          <button type="button" onClick={onClose}>
            {t('staffAlerts.cancel')}
          </button>
          <button type="submit" class="primary">
            {t('staffAlerts.ackConfirm')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
