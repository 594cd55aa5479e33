import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '../../../domain/alerts.ts';
import { mayReplay, webhookUrlProblem, type DeliveryView, type WebhookList, type WebhookScope, type WebhookSecretAnswer, type WebhookView } from '../../../domain/webhooks.ts';
import type { ApiFailure, ApiResult } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ShownOnceDialog } from '../components/ShownOnceDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { dateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

type Outcome = { onDone: (message: string) => void; onFailed: (reason: ApiFailure) => void };

/**
 * Manage › Webhooks (src/server/routes/manage-webhooks.ts): the bank's other systems that
 * alerts and digests are posted to. Head office sets them up for the network, a region or a
 * branch; a regional manager for their region. A secret shows once, in a dialog, to copy into
 * the receiving system; each webhook's delivery log shows every try, and a failed (or lost)
 * notification can be sent again.
 */
export function Webhooks(_props: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad('webhooks', () => api.webhooks());
  const [notice, setNotice] = useState<{ done: string | null; problem: string | null }>({ done: null, problem: null });
  const [secret, setSecret] = useState<WebhookSecretAnswer | null>(null);
  const [editing, setEditing] = useState<WebhookView | null>(null);
  const [rotating, setRotating] = useState<WebhookView | null>(null);
  const [logOf, setLogOf] = useState<WebhookView | null>(null);
  const [busy, setBusy] = useState(false);
  const doneLine = useRef<HTMLParagraphElement>(null);

  const errorText = (reason: ApiFailure) => t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' || reason === 'server-error' ? `dashboard.webhooks.errors.${reason}` : `dashboard.errors.${reason}`);
  const outcome: Outcome = {
    onDone: (message) => {
      reload();
      setNotice({ done: message, problem: null });
      setTimeout(() => doneLine.current?.focus(), 0);
    },
    onFailed: (reason) => setNotice({ done: null, problem: errorText(reason) }),
  };

  const act = async <T,>(action: () => Promise<ApiResult<T>>, then: (value: T) => void) => {
    if (busy) return;
    setBusy(true);
    const result = await action();
    setBusy(false);
    if (!result.ok) return outcome.onFailed(result.reason);
    then(result.value);
  };

  const toggle = (w: WebhookView) =>
    void act(() => api.editWebhook(w.id, { enabled: !w.enabled }), (view) => outcome.onDone(t(view.enabled ? 'dashboard.webhooks.enabledDone' : 'dashboard.webhooks.disabledDone', { name: view.name })));

  return (
    <>
      <PageHeader title={t('dashboard.nav.webhooks')} />
      <p class="page-intro">{t('dashboard.webhooks.intro')}</p>
      <p ref={doneLine} class="done" role="status" aria-live="polite" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error" role="alert">
        {notice.problem}
      </p>
      <Loaded load={load} retry={reload}>
        {(list) => (
          <>
            <WebhookTable
              webhooks={list.webhooks}
              busy={busy}
              onEdit={(w) => setEditing(w)}
              onToggle={toggle}
              onRotate={(w) => setRotating(w)}
              onLog={(w) => setLogOf(w)}
            />
            {logOf && <DeliveryLogSection webhook={logOf} onClose={() => setLogOf(null)} {...outcome} />}
            {editing ? (
              <WebhookForm
                key={editing.id}
                list={list}
                editing={editing}
                onCancel={() => setEditing(null)}
                onSaved={(view) => {
                  setEditing(null);
                  outcome.onDone(t('dashboard.webhooks.saved', { name: view.name }));
                }}
                onFailed={outcome.onFailed}
              />
            ) : (
              <WebhookForm
                list={list}
                editing={null}
                onSaved={() => undefined}
                onAdded={(answer) => {
                  setSecret(answer);
                  outcome.onDone(t('dashboard.webhooks.added', { name: answer.webhook.name }));
                }}
                onFailed={outcome.onFailed}
              />
            )}
          </>
        )}
      </Loaded>
      {rotating && (
        <ConfirmDialog
          title={t('dashboard.webhooks.rotateTitle', { name: rotating.name })}
          confirmLabel={t('dashboard.webhooks.rotate')}
          busy={busy}
          onCancel={() => setRotating(null)}
          onConfirm={() =>
            void act(
              () => api.newWebhookSecret(rotating.id),
              (answer) => {
                setRotating(null);
                setSecret(answer);
                outcome.onDone(t('dashboard.webhooks.rotated', { name: answer.webhook.name }));
              },
            )
          }
        >
          <p>{t('dashboard.webhooks.rotateDetail')}</p>
        </ConfirmDialog>
      )}
      {secret && (
        <ShownOnceDialog
          title={t('dashboard.webhooks.secret.title', { name: secret.webhook.name })}
          secret={secret.secret}
          note={t('dashboard.webhooks.secret.verify')}
          texts="dashboard.webhooks.secret"
          testId="webhook-secret"
          onClose={() => setSecret(null)}
        />
      )}
    </>
  );
}

const scopeText = (scope: WebhookScope, t: (key: string) => string): string => (scope.kind === 'network' ? t('dashboard.webhooks.scope.network') : scope.name);

function WebhookTable({ webhooks, busy, onEdit, onToggle, onRotate, onLog }: {
  webhooks: WebhookView[];
  busy: boolean;
  onEdit: (w: WebhookView) => void;
  onToggle: (w: WebhookView) => void;
  onRotate: (w: WebhookView) => void;
  onLog: (w: WebhookView) => void;
}) {
  const { t } = useT();
  const eventsText = (w: WebhookView) => w.events.map((e) => t(`dashboard.webhooks.event.${e}`)).join(', ');
  const statusText = (w: WebhookView) => t(w.enabled ? 'dashboard.webhooks.status.enabled' : 'dashboard.webhooks.status.disabled');
  const countsText = (w: WebhookView) => t('dashboard.webhooks.countsText', { pending: w.counts.pending, failed: w.counts.failed, delivered: w.counts.deliveredLastWeek });
  const columns: Column<WebhookView>[] = [
    { id: 'name', header: t('dashboard.webhooks.column.name'), rowHeader: true, cell: (w) => w.name, sort: (w) => w.name, csv: (w) => w.name },
    { id: 'scope', header: t('dashboard.webhooks.column.scope'), cell: (w) => scopeText(w.scope, t), sort: (w) => scopeText(w.scope, t), csv: (w) => scopeText(w.scope, t) },
    { id: 'url', header: t('dashboard.webhooks.column.url'), cell: (w) => <span class="webhook-url" lang="en">{w.url}</span>, sort: (w) => w.url, csv: (w) => w.url },
    { id: 'events', header: t('dashboard.webhooks.column.events'), cell: eventsText, sort: eventsText, csv: eventsText },
    { id: 'status', header: t('dashboard.webhooks.column.status'), cell: statusText, sort: statusText, csv: statusText },
    {
      id: 'counts',
      header: t('dashboard.webhooks.column.deliveries'),
      cell: (w) => (
        <span class="webhook-counts">
          <span>{t('dashboard.webhooks.count.pending', { n: w.counts.pending })}</span>
          {w.counts.failed > 0 ? <strong class="webhook-failed">{t('dashboard.webhooks.count.failed', { n: w.counts.failed })}</strong> : <span>{t('dashboard.webhooks.count.failed', { n: 0 })}</span>}
          <span>{t('dashboard.webhooks.count.delivered', { n: w.counts.deliveredLastWeek })}</span>
        </span>
      ),
      sort: (w) => w.counts.failed,
      csv: countsText,
    },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (w) => (
        <span class="staff-row-actions">
          <button type="button" class="quiet-action" aria-label={t('dashboard.webhooks.openLogNamed', { name: w.name })} onClick={() => onLog(w)}>
            {t('dashboard.webhooks.openLog')}
          </button>
          <button type="button" class="quiet-action" aria-label={t('dashboard.webhooks.editNamed', { name: w.name })} onClick={() => onEdit(w)}>
            {t('dashboard.webhooks.edit')}
          </button>
          <button type="button" class="quiet-action" disabled={busy} aria-label={t(w.enabled ? 'dashboard.webhooks.disableNamed' : 'dashboard.webhooks.enableNamed', { name: w.name })} onClick={() => onToggle(w)}>
            {t(w.enabled ? 'dashboard.webhooks.disable' : 'dashboard.webhooks.enable')}
          </button>
          <button type="button" class="quiet-action" disabled={busy} aria-label={t('dashboard.webhooks.rotateNamed', { name: w.name })} onClick={() => onRotate(w)}>
            {t('dashboard.webhooks.rotate')}
          </button>
        </span>
      ),
    },
  ];
  return (
    <DataTable
      title={t('dashboard.webhooks.title')}
      detail={t('dashboard.webhooks.detail')}
      rows={webhooks}
      columns={columns}
      rowKey={(w) => w.id}
      exportName="webhooks"
      empty={t('dashboard.webhooks.empty')}
      rowClass={(w) => (w.enabled ? (w.counts.failed > 0 ? 'row-failed' : undefined) : 'row-inactive')}
      initialSort={{ column: 'name', direction: 'ascending' }}
    />
  );
}

type Problems = { name?: string; url?: string; events?: string };

/** The add form, or the edit form of one webhook (its scope stays: a new scope is a new webhook). */
function WebhookForm({ list, editing, onSaved, onAdded, onCancel, onFailed }: {
  list: WebhookList;
  editing: WebhookView | null;
  onSaved: (view: WebhookView) => void;
  onAdded?: (answer: WebhookSecretAnswer) => void;
  onCancel?: () => void;
  onFailed: (reason: ApiFailure) => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { name: useId(), url: useId(), scope: useId(), events: useId(), nameError: useId(), urlError: useId(), eventsError: useId(), title: useId() };
  const scopes = [
    ...(list.scopes.network ? [{ value: '', label: t('dashboard.webhooks.scope.network') }] : []),
    ...list.scopes.regions.map((r) => ({ value: `region:${r.id}`, label: t('dashboard.webhooks.scope.region', { name: r.name }) })),
    ...list.scopes.branches.map((b) => ({ value: `branch:${b.id}`, label: t('dashboard.webhooks.scope.branch', { name: b.name }) })),
  ];
  const [name, setName] = useState(editing?.name ?? '');
  const [url, setUrl] = useState(editing?.url ?? '');
  const [scope, setScope] = useState(scopes[0]?.value ?? '');
  const [events, setEvents] = useState<NotificationEvent[]>(editing?.events ?? ['alert-raised', 'alert-escalated']);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) first.current?.focus();
  }, [editing]);

  const check = (): Problems => {
    const found: Problems = {};
    if (name.trim() === '') found.name = t('dashboard.webhooks.problem.name');
    const urlProblem = webhookUrlProblem(url.trim());
    if (urlProblem) found.url = t(`dashboard.webhooks.urlProblem.${urlProblem}`);
    if (events.length === 0) found.events = t('dashboard.webhooks.problem.events');
    return found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const found = check();
    setProblems(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(found.name ? ids.name : found.url ? ids.url : `${ids.events}-0`)?.focus();
      return;
    }
    setBusy(true);
    const [kind, id] = scope.split(':');
    const ordered = NOTIFICATION_EVENTS.filter((e) => events.includes(e));
    if (editing) {
      const result = await api.editWebhook(editing.id, { name: name.trim(), url: url.trim(), events: ordered });
      setBusy(false);
      if (!result.ok) return onFailed(result.reason);
      onSaved(result.value);
    } else {
      const result = await api.addWebhook({ name: name.trim(), url: url.trim(), events: ordered, ...(kind === 'region' && { regionId: id }), ...(kind === 'branch' && { branchId: id }) });
      setBusy(false);
      if (!result.ok) return onFailed(result.reason);
      setName('');
      setUrl('');
      onAdded?.(result.value);
    }
  };

  const titleText = editing ? t('dashboard.webhooks.editTitle', { name: editing.name }) : t('dashboard.webhooks.addTitle');
  return (
    <section class="staff-add" aria-labelledby={ids.title}>
      <h2 id={ids.title}>{titleText}</h2>
      <form class="staff-form webhook-form" onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for={ids.name}>{t('dashboard.webhooks.field.name')}</label>
          <input id={ids.name} ref={first} value={name} maxLength={100} autoComplete="off" aria-invalid={problems.name ? true : undefined} aria-describedby={ids.nameError} onInput={(e) => setName(e.currentTarget.value)} />
          <span id={ids.nameError} class="field-error">
            {problems.name}
          </span>
        </div>
        <div class="field webhook-url-field">
          <label for={ids.url}>{t('dashboard.webhooks.field.url')}</label>
          <input id={ids.url} type="url" lang="en" value={url} maxLength={2000} autoComplete="off" placeholder="https://" aria-invalid={problems.url ? true : undefined} aria-describedby={ids.urlError} onInput={(e) => setUrl(e.currentTarget.value)} />
          <span id={ids.urlError} class="field-error">
            {problems.url}
          </span>
        </div>
        {!editing && (
          <div class="field">
            <label for={ids.scope}>{t('dashboard.webhooks.field.scope')}</label>
            <select id={ids.scope} value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
              {scopes.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <fieldset class="webhook-events" aria-describedby={ids.eventsError}>
          <legend>{t('dashboard.webhooks.field.events')}</legend>
          {NOTIFICATION_EVENTS.map((e, i) => (
            <div class="field field-check" key={e}>
              <input
                id={`${ids.events}-${i}`}
                type="checkbox"
                checked={events.includes(e)}
                onChange={(ev) => {
                  const on = ev.currentTarget.checked;
                  setEvents((now) => (on ? [...now, e] : now.filter((x) => x !== e)));
                }}
              />
              <label for={`${ids.events}-${i}`}>{t(`dashboard.webhooks.event.${e}`)}</label>
            </div>
          ))}
          <span id={ids.eventsError} class="field-error">
            {problems.events}
          </span>
        </fieldset>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {editing ? t('dashboard.webhooks.save') : t('dashboard.webhooks.add')}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel}>
              {t('dashboard.cancel')}
            </button>
          )}
        </div>
      </form>
      <p class="muted">{t('dashboard.webhooks.ssrfNote')}</p>
    </section>
  );
}


/** A webhook's newest notifications and every try of each; Replay on those failed or delivered. */
function DeliveryLogSection({ webhook, onClose, onDone, onFailed }: { webhook: WebhookView; onClose: () => void } & Outcome) {
  const { api } = useDashboard();
  const { t, language } = useT();
  const [load, reload] = useLoad(`deliveries:${webhook.id}`, () => api.webhookDeliveries(webhook.id));
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [webhook.id]);

  const replay = async (d: DeliveryView) => {
    if (busy) return;
    setBusy(true);
    const result = await api.replayNotification(d.id);
    setBusy(false);
    if (!result.ok) return onFailed(result.reason);
    reload();
    onDone(t('dashboard.webhooks.replayed'));
  };

  const when = (at: number | null) => (at === null ? '–' : dateTime(at, language));
  const eventText = (d: DeliveryView) => (d.event ? t(`dashboard.webhooks.event.${d.event}`) : '–');
  const columns: Column<DeliveryView>[] = [
    { id: 'created', header: t('dashboard.webhooks.log.column.created'), cell: (d) => when(d.createdAt), sort: (d) => d.createdAt, csv: (d) => when(d.createdAt) },
    { id: 'event', header: t('dashboard.webhooks.log.column.event'), rowHeader: true, cell: eventText, sort: eventText, csv: eventText },
    { id: 'subject', header: t('dashboard.webhooks.log.column.subject'), cell: (d) => <span lang="en">{d.subject.id}</span>, sort: (d) => d.subject.id, csv: (d) => d.subject.id },
    {
      id: 'status',
      header: t('dashboard.webhooks.log.column.status'),
      cell: (d) => (d.status === 'failed' ? <strong class="webhook-failed">{t('dashboard.webhooks.deliveryStatus.failed')}</strong> : t(`dashboard.webhooks.deliveryStatus.${d.status}`)),
      sort: (d) => d.status,
      csv: (d) => t(`dashboard.webhooks.deliveryStatus.${d.status}`),
    },
    { id: 'attempts', header: t('dashboard.webhooks.log.column.attempts'), numeric: true, cell: (d) => d.attempts, sort: (d) => d.attempts, csv: (d) => d.attempts },
    { id: 'next', header: t('dashboard.webhooks.log.column.next'), cell: (d) => when(d.nextAttemptAt), sort: (d) => d.nextAttemptAt ?? 0, csv: (d) => when(d.nextAttemptAt) },
    {
      id: 'tries',
      header: t('dashboard.webhooks.log.column.tries'),
      cell: (d) => (
        <ol class="webhook-tries">
          {d.tries.map((a, i) => (
            <li key={i}>
              {t('dashboard.webhooks.log.try', { time: when(a.at), result: a.ok ? t('dashboard.webhooks.log.ok') : (a.error ?? '–'), code: a.statusCode ?? '–', ms: a.durationMs })}
              {a.replayBy && <> {t('dashboard.webhooks.log.replayBy', { staffNumber: a.replayBy })}</>}
            </li>
          ))}
        </ol>
      ),
      csv: (d) => d.tries.map((a) => `${when(a.at)} ${a.statusCode ?? ''} ${a.error ?? ''}${a.replayBy ? ` (${a.replayBy})` : ''}`).join(' | '),
    },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (d) =>
        mayReplay(d.status) ? (
          <button type="button" class="quiet-action" disabled={busy} aria-label={t('dashboard.webhooks.replayNamed', { event: eventText(d), subject: d.subject.id })} onClick={() => void replay(d)}>
            {t('dashboard.webhooks.replay')}
          </button>
        ) : null,
    },
  ];
  return (
    <section class="webhook-log" aria-labelledby="webhook-log-title">
      <h2 id="webhook-log-title" ref={heading} tabIndex={-1}>
        {t('dashboard.webhooks.log.title', { name: webhook.name })}
      </h2>
      <button type="button" class="secondary" onClick={onClose}>
        {t('dashboard.webhooks.log.close')}
      </button>
      <Loaded load={load} retry={reload}>
        {(log) => (
          <DataTable
            title={t('dashboard.webhooks.log.tableTitle', { name: webhook.name })}
            rows={log.deliveries}
            columns={columns}
            rowKey={(d) => d.id}
            exportName="webhook-deliveries"
            empty={t('dashboard.webhooks.log.empty')}
            rowClass={(d) => (d.status === 'failed' ? 'row-failed' : undefined)}
            level={3}
          />
        )}
      </Loaded>
    </section>
  );
}
