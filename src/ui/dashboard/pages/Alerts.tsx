import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AckTimes, AlertView } from '../../../domain/alerts.ts';
import type { Me } from '../../../domain/reports.ts';
import { useAlertFeed, type AlertFeed } from '../alert-feed.tsx';
import { caseSummary, headline, isOpen, placeOf, reasonLabels, sortAlerts, applyMessage, timeOfDay, topicLabel, type BranchLabels } from '../alert-view.ts';
import type { AlertActFailure, AlertList as AlertListAnswer, ApiResult } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { count, dateTime, NO_VALUE, relative } from '../format.ts';
import { useRouter } from '../router.tsx';
import { labelOf } from '../labels.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** How many alerts the page lists: the open ones and the latest acknowledged. */
const LIST_LIMIT = 100;
/** "5 minutes ago" is brought up to date this often. */
const TICK_MS = 30_000;

type Notice = { done: string | null; problem: string | null };

/**
 * Alerts: what needs someone now. Open alerts first, newest first, then the recently
 * acknowledged; each says in plain words what happened, where, when (and how long ago), who
 * has it now and when it goes up a level. New ones arrive live through the Shell's feed
 * (alert-feed.tsx) and go to the top. An alert is acknowledged with a comment; the manager of
 * its branch may open a complaint case from it instead. The time-to-acknowledge figure covers
 * the header's period (route.ts); the list is as it is now, for the header's branch or region.
 */
export function Alerts({ me, branch, region, range, query }: PageProps) {
  const { api, now } = useDashboard();
  const { t } = useT();
  const feed = useAlertFeed();
  const scope = { branchId: branch?.id, regionId: branch ? undefined : region?.id };
  const [load, reload] = useLoad(`alerts:${scope.branchId ?? ''}:${scope.regionId ?? ''}`, () => api.alerts({ state: 'all', ...scope, limit: LIST_LIMIT }));
  const [notice, setNotice] = useState<Notice>({ done: null, problem: null });
  const [, setTick] = useState(0);
  // Every raise, escalation or acknowledgement the stream tells changes the figures: they are asked again.
  const [told, setTold] = useState(0);
  useEffect(() => feed?.listen(() => setTold((n) => n + 1)), [feed]);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <>
      <PageHeader title={t('dashboard.nav.alerts')} branch={branch} range={range}>
        {feed && <LiveControls feed={feed} />}
      </PageHeader>
      <p class="page-intro">{t('dashboard.alerts.intro')}</p>
      {query ? <AckFigures load={() => api.alertTimes(query)} queryKey={`${JSON.stringify(query)}:${told}`} /> : <NoPeriod />}
      <p class="done" role="status">
        {notice.done}
      </p>
      <p class="error" role="alert">
        {notice.problem}
      </p>
      <Loaded load={load} retry={reload}>
        {(list) => (
          <AlertList
            me={me}
            list={list}
            feed={feed}
            inScope={(alert) => (scope.branchId ? alert.branchId === scope.branchId : scope.regionId ? me.branches.some((b) => b.id === alert.branchId && b.regionId === scope.regionId) : true)}
            now={now()}
            onDone={(message) => {
              setNotice({ done: message, problem: null });
            }}
            onProblem={(message) => {
              setNotice({ done: null, problem: message });
              reload();
            }}
          />
        )}
      </Loaded>
    </>
  );
}

/** The stream's state in words (never by colour alone) and the Sound switch. */
function LiveControls({ feed }: { feed: AlertFeed }) {
  const { t } = useT();
  const id = useId();
  return (
    <div class="alerts-live">
      <p class={`alerts-stream alerts-stream-${feed.state}`} data-testid="alerts-stream">
        <span aria-hidden="true">{feed.state === 'live' ? '●' : '○'} </span>
        {t(`dashboard.alerts.stream.${feed.state}`)}
      </p>
      <label class="alerts-sound" for={id}>
        <input id={id} type="checkbox" checked={feed.sound} onChange={(event) => feed.setSound(event.currentTarget.checked)} />
        {t('dashboard.alerts.sound')}
      </label>
    </div>
  );
}

/** Time to acknowledge over the header's period: median, 90th percentile, acknowledged of raised, escalated. */
function AckFigures({ load: ask, queryKey }: { load: () => Promise<ApiResult<AckTimes>>; queryKey: string }) {
  const { t, language } = useT();
  const [load, reload] = useLoad(`alert-times:${queryKey}`, ask);
  return (
    <section class="alerts-figures" aria-labelledby="alerts-figures-title">
      <h2 id="alerts-figures-title">{t('dashboard.alerts.figures.title')}</h2>
      <Loaded load={load} retry={reload}>
        {(times: AckTimes) => (
          <dl class="stat-grid">
            <div class="stat">
              <dt>{t('dashboard.alerts.figures.median')}</dt>
              <dd>{duration(times.medianMs, language)}</dd>
            </div>
            <div class="stat">
              <dt>{t('dashboard.alerts.figures.p90')}</dt>
              <dd>{duration(times.p90Ms, language)}</dd>
            </div>
            <div class="stat">
              <dt>{t('dashboard.alerts.figures.acknowledged')}</dt>
              <dd>
                {t('dashboard.alerts.figures.ofRaised', { acknowledged: count(times.acknowledged, language), raised: count(times.raised, language) })}
              </dd>
            </div>
            <div class={times.escalated > 0 ? 'stat stat-warn' : 'stat'}>
              <dt>{t('dashboard.alerts.figures.escalated')}</dt>
              <dd>{count(times.escalated, language)}</dd>
            </div>
          </dl>
        )}
      </Loaded>
    </section>
  );
}

/** A time to acknowledge: "45 s", "4.5 min", "2.1 h". */
export function duration(ms: number | null, language: string): string {
  if (ms === null) return NO_VALUE;
  const unit = (value: number, name: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(language, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
  if (ms < 60_000) return unit(Math.round(ms / 1000), 'second');
  if (ms < 3_600_000) return unit(ms / 60_000, 'minute');
  return unit(ms / 3_600_000, 'hour');
}

type Dialog = { kind: 'ack'; alert: AlertView } | { kind: 'case'; alert: AlertView } | null;

function AlertList({ me, list, feed, inScope, now, onDone, onProblem }: {
  me: Me;
  list: AlertListAnswer;
  feed: AlertFeed | null;
  inScope: (alert: AlertView) => boolean;
  now: number;
  onDone: (message: string) => void;
  onProblem: (message: string) => void;
}) {
  const { api, timeZone } = useDashboard();
  const { t } = useT();
  const [alerts, setAlerts] = useState(() => sortAlerts(list.alerts));
  const [dialog, setDialog] = useState<Dialog>(null);
  const labels = useBranchLabels(alerts);
  const cursor = useRef(list.cursor);

  // A fresh list (a reload, another branch) replaces what the stream added.
  useEffect(() => {
    setAlerts(sortAlerts(list.alerts));
    cursor.current = list.cursor;
  }, [list]);

  // What the Shell's stream tells after this list was read; what the list already holds is skipped.
  const scoped = useRef(inScope);
  scoped.current = inScope;
  useEffect(
    () =>
      feed?.listen((message) => {
        if (message.seq <= cursor.current || !scoped.current(message.alert)) return;
        setAlerts((current) => applyMessage(current, message));
      }),
    [feed],
  );

  const replace = (alert: AlertView) => setAlerts((current) => sortAlerts([alert, ...current.filter((a) => a.id !== alert.id)]));
  const failureText = (reason: AlertActFailure) => t(reason === 'conflict' || reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.alerts.errors.${reason}` : `dashboard.errors.${reason}`);
  /**
   * What a dialog's act came to: a refusal stays in the dialog, for the person to fix; done, or
   * done by someone else first (conflict), closes it and says so on the page. Answers the
   * dialog's error, or null.
   */
  const settle = (result: { ok: true; value: AlertView } | { ok: false; reason: AlertActFailure }, done: string): string | null => {
    if (!result.ok && result.reason !== 'conflict') return failureText(result.reason);
    setDialog(null);
    if (!result.ok) onProblem(failureText(result.reason));
    else {
      replace(result.value);
      onDone(done);
    }
    return null;
  };
  const open = alerts.filter(isOpen);
  const done = alerts.filter((a) => !isOpen(a));

  return (
    <>
      <section aria-labelledby="alerts-open-title" class="alerts-section">
        <h2 id="alerts-open-title">{t('dashboard.alerts.openTitle', { count: open.length })}</h2>
        {open.length === 0 ? (
          <p class="empty">{t('dashboard.alerts.noneOpen')}</p>
        ) : (
          <ul class="alerts-list">
            {open.map((alert) => (
              <AlertCard key={alert.id} me={me} alert={alert} labels={labels.get(alert.branchId) ?? null} now={now} onAck={() => setDialog({ kind: 'ack', alert })} onCase={() => setDialog({ kind: 'case', alert })} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="alerts-done-title" class="alerts-section">
        <h2 id="alerts-done-title">{t('dashboard.alerts.doneTitle')}</h2>
        {done.length === 0 ? (
          <p class="empty">{t('dashboard.alerts.noneDone')}</p>
        ) : (
          <ul class="alerts-list">
            {done.map((alert) => (
              <AlertCard key={alert.id} me={me} alert={alert} labels={labels.get(alert.branchId) ?? null} now={now} />
            ))}
          </ul>
        )}
      </section>
      {dialog?.kind === 'ack' && (
        <AckDialog
          alert={dialog.alert}
          onCancel={() => setDialog(null)}
          onSend={async (comment) => settle(await api.acknowledgeAlert(dialog.alert.id, comment), t('dashboard.alerts.acknowledgedDone'))}
        />
      )}
      {dialog?.kind === 'case' && (
        <CaseDialog
          alert={dialog.alert}
          zone={zoneOf(me, dialog.alert, timeZone)}
          labels={labels.get(dialog.alert.branchId) ?? null}
          onCancel={() => setDialog(null)}
          onSend={async (body) => settle(await api.openAlertCase(dialog.alert.id, body), t('dashboard.alerts.caseDone'))}
        />
      )}
    </>
  );
}

/** The reason and topic labels of the branches on the list, each branch's setup read once. */
function useBranchLabels(alerts: readonly AlertView[]): Map<string, BranchLabels> {
  const { api } = useDashboard();
  const [labels, setLabels] = useState(() => new Map<string, BranchLabels>());
  const asked = useRef(new Set<string>());
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const branchIds = [...new Set(alerts.map((a) => a.branchId))].sort().join(',');
  useEffect(() => {
    for (const branchId of branchIds.split(',').filter(Boolean)) {
      if (asked.current.has(branchId)) continue;
      asked.current.add(branchId);
      void api.setup(branchId).then((setup) => {
        if (!mounted.current) return;
        // Without labels the reasons are left out rather than shown as ids; the next list asks again.
        if (!setup.ok) return void asked.current.delete(branchId);
        const entry: BranchLabels = {
          reasons: new Map(setup.value.reasons.map((r) => [r.id, r.labels])),
          topics: new Map(setup.value.topics.map((x) => [x.id, x.labels])),
          activeTopics: setup.value.topics.filter((x) => x.active).map((x) => x.id),
        };
        setLabels((current) => new Map(current).set(branchId, entry));
      });
    }
  }, [api, branchIds]);
  return labels;
}

/** Where the alert's branch is: its times are read on its clock. */
const zoneOf = (me: Me, alert: AlertView, viewerZone: string): string => me.branches.find((b) => b.id === alert.branchId)?.timeZone ?? viewerZone;

/** The manager of the alert's branch may open a complaint case from it (the server checks it too). */
const mayOpenCase = (me: Me, alert: AlertView): boolean => me.role === 'branch-manager' && me.branchId === alert.branchId;

function AlertCard({ me, alert, labels, now, onAck, onCase }: { me: Me; alert: AlertView; labels: BranchLabels | null; now: number; onAck?: () => void; onCase?: () => void }) {
  const { t, language } = useT();
  const { timeZone: viewerZone } = useDashboard();
  const { href, navigate } = useRouter();
  const zone = zoneOf(me, alert, viewerZone);
  const titleId = `alert-title-${alert.id}`;
  const place = placeOf(alert, t);
  const reasons = labels ? reasonLabels(alert, labels, t, language) : [];
  const topic = labels ? topicLabel(alert, labels, t, language) : null;
  const complaintsHref = href({ page: 'complaints', branchId: alert.branchId });
  return (
    <li id={`alert-${alert.id}`} tabIndex={-1} class={`alert-card alert-${isOpen(alert) ? 'open' : 'done'} alert-level-${alert.level}`} aria-labelledby={titleId} data-alert-id={alert.id}>
      <h3 id={titleId} class="alert-title">
        {isOpen(alert) && <span class="alert-chip alert-chip-open">{t('dashboard.alerts.open')}</span>}
        {alert.late && <span class="alert-chip alert-chip-late">{t('dashboard.alerts.late')}</span>}
        {headline(alert, t, language, zone)}
        {place && ` · ${place}`}
      </h3>
      <dl class="alert-facts">
        <div>
          <dt>{t('dashboard.alerts.branch')}</dt>
          <dd>{alert.branchName}</dd>
        </div>
        <div>
          <dt>{t('dashboard.alerts.when')}</dt>
          <dd>
            {alert.late
              ? t('dashboard.alerts.lateWhen', { given: timeOfDay(alert.occurredAt, language, zone), arrived: timeOfDay(alert.raisedAt, language, zone) })
              : dateTime(alert.occurredAt, language, zone)}{' '}
            <span class="muted">({relative(alert.occurredAt, now, language)})</span>
          </dd>
        </div>
        {reasons.length > 0 && (
          <div>
            <dt>{t('dashboard.alerts.reasons')}</dt>
            <dd>{reasons.join(t('dashboard.alerts.listSeparator'))}</dd>
          </div>
        )}
        {topic && (
          <div>
            <dt>{t('dashboard.alerts.topic')}</dt>
            <dd>{topic}</dd>
          </div>
        )}
        <div>
          <dt>{t('dashboard.alerts.level')}</dt>
          <dd>
            {t(`dashboard.alerts.levels.${alert.level}`)}
            {isOpen(alert) && alert.escalateAt !== null && (
              <>
                {' · '}
                {t('dashboard.alerts.escalatesAt', { time: timeOfDay(alert.escalateAt, language, zone), relative: relative(alert.escalateAt, now, language) })}
              </>
            )}
          </dd>
        </div>
        {alert.acknowledged && (
          <div>
            <dt>{t('dashboard.alerts.acknowledgedBy')}</dt>
            <dd>
              {t(alert.acknowledged.via === 'staff-session' ? 'dashboard.alerts.ackLineTablet' : 'dashboard.alerts.ackLine', {
                name: alert.acknowledged.name,
                time: dateTime(alert.acknowledged.at, language, zone),
              })}
              <q class="alert-comment">{alert.acknowledged.comment}</q>
            </dd>
          </div>
        )}
      </dl>
      {alert.caseId && (
        <p class="alert-case">
          <span class="alert-chip alert-chip-case">{t('dashboard.alerts.caseOpened')}</span>{' '}
          <a
            href={complaintsHref}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              navigate({ page: 'complaints', branchId: alert.branchId });
            }}
          >
            {t('dashboard.alerts.caseLink')}
          </a>
        </p>
      )}
      {isOpen(alert) && (onAck || onCase) && (
        <div class="alert-actions">
          {onAck && (
            <button type="button" class="primary" aria-label={t('dashboard.alerts.ackNamed', { what: headline(alert, t, language, zone), branch: alert.branchName })} onClick={onAck}>
              {t('dashboard.alerts.ack')}
            </button>
          )}
          {onCase && mayOpenCase(me, alert) && (
            <button type="button" class="secondary" aria-label={t('dashboard.alerts.caseNamed', { what: headline(alert, t, language, zone), branch: alert.branchName })} onClick={onCase}>
              {t('dashboard.alerts.openCase')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** Focuses a dialog's first field once the dialog has put the focus on Cancel (its own effect runs after ours). */
function useFirstFocus() {
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const timer = setTimeout(() => field.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, []);
  return field;
}

/** Acknowledging: a comment is required (what was done, or why nothing was). */
function AckDialog({ alert, onCancel, onSend }: { alert: AlertView; onCancel: () => void; onSend: (comment: string) => Promise<string | null> }) {
  const { t, language } = useT();
  const { timeZone } = useDashboard();
  const id = useId();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = useFirstFocus();
  const send = async () => {
    if (comment.trim() === '') {
      setProblem(t('dashboard.alerts.errors.commentEmpty'));
      field.current?.focus();
      return;
    }
    setBusy(true);
    const failed = await onSend(comment.trim());
    setBusy(false);
    if (failed) setProblem(failed);
  };
  return (
    <ConfirmDialog title={t('dashboard.alerts.ackTitle')} confirmLabel={t('dashboard.alerts.ackConfirm')} confirmClass="primary" busy={busy} error={problem} onConfirm={() => void send()} onCancel={onCancel}>
      <p>
        {headline(alert, t, language, timeZone)} · {alert.branchName}
      </p>
      <div class="field">
        <label for={id}>{t('dashboard.alerts.comment')}</label>
        <textarea ref={field} id={id} rows={3} maxLength={1000} required aria-required="true" aria-invalid={problem !== null && comment.trim() === ''} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
    </ConfirmDialog>
  );
}

/** Opening a complaint case from an alert: the summary made from it, editable, and an optional topic of the branch's. */
function CaseDialog({ alert, zone, labels, onCancel, onSend }: {
  alert: AlertView;
  zone: string;
  labels: BranchLabels | null;
  onCancel: () => void;
  onSend: (body: { summary: string; topicId?: string }) => Promise<string | null>;
}) {
  const { t, language } = useT();
  const ids = { summary: useId(), topic: useId() };
  const [summary, setSummary] = useState(() => caseSummary(alert, labels, t, language, zone));
  const [topicId, setTopicId] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = useFirstFocus();
  const send = async () => {
    if (summary.trim() === '') {
      setProblem(t('dashboard.alerts.errors.summaryEmpty'));
      field.current?.focus();
      return;
    }
    setBusy(true);
    const failed = await onSend(topicId ? { summary: summary.trim(), topicId } : { summary: summary.trim() });
    setBusy(false);
    if (failed) setProblem(failed);
  };
  return (
    <ConfirmDialog title={t('dashboard.alerts.caseTitle')} confirmLabel={t('dashboard.alerts.caseConfirm')} confirmClass="primary" busy={busy} error={problem} onConfirm={() => void send()} onCancel={onCancel}>
      <p>{t('dashboard.alerts.caseIntro')}</p>
      <div class="field">
        <label for={ids.summary}>{t('dashboard.alerts.summaryLabel')}</label>
        <textarea ref={field} id={ids.summary} rows={4} maxLength={2000} value={summary} aria-invalid={problem !== null && summary.trim() === ''} onInput={(e) => setSummary(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={ids.topic}>{t('dashboard.alerts.topicLabel')}</label>
        <select id={ids.topic} value={topicId} onChange={(e) => setTopicId(e.currentTarget.value)}>
          <option value="">{t('dashboard.alerts.noTopic')}</option>
          {(labels?.activeTopics ?? []).map((id) => (
            <option key={id} value={id}>
              {labelOf(labels?.topics.get(id) ?? null, id, t, language)}
            </option>
          ))}
        </select>
      </div>
    </ConfirmDialog>
  );
}
