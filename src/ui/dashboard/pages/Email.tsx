import { useId, useRef, useState } from 'preact/hooks';
import * as v from 'valibot';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '../../../domain/alerts.ts';
import { LANGUAGES, type Language } from '../../../domain/language.ts';
import { EmailAddressSchema, type EmailRecipientAdd, type EmailRecipientsView, type EmailRecipientView, type EmailStatus } from '../../../domain/manage-email.ts';
import type { Me } from '../../../domain/reports.ts';
import type { ApiFailure } from '../api.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

type Notice = { done: string | null; problem: string | null };
type Outcome = { onDone: (message: string) => void; onFailed: (reason: ApiFailure) => void };

/** A scope as the form's select holds it: '' the whole network, `region:<id>`, `branch:<id>`. */
type ScopeValue = string;
const scopeValueOf = (r: { regionId: string | null; branchId: string | null }): ScopeValue => (r.branchId ? `branch:${r.branchId}` : r.regionId ? `region:${r.regionId}` : '');
const scopeOf = (value: ScopeValue): { regionId: string | null; branchId: string | null } =>
  value.startsWith('branch:') ? { regionId: null, branchId: value.slice(7) } : value.startsWith('region:') ? { regionId: value.slice(7), branchId: null } : { regionId: null, branchId: null };

/**
 * Manage › E-mail (src/server/routes/manage-email.ts): whether the server can send e-mail
 * (its SMTP server is set in its environment, never here: decision 0025), who gets alerts and
 * digests by e-mail for the scope the viewer manages, and a test message for head office and
 * regional managers. The period in the header does not apply.
 */
export function Email({ me }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [status, reloadStatus] = useLoad('email-status', () => api.emailStatus());
  const [recipients, reload] = useLoad('email-recipients', () => api.emailRecipients());
  const [notice, setNotice] = useState<Notice>({ done: null, problem: null });
  const doneLine = useRef<HTMLParagraphElement>(null);

  const errorText = (reason: ApiFailure) => t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.email.errors.${reason}` : `dashboard.errors.${reason}`);
  const done = (message: string) => {
    reload();
    setNotice({ done: message, problem: null });
    setTimeout(() => doneLine.current?.focus(), 0);
  };
  const failed = (reason: ApiFailure) => setNotice({ done: null, problem: errorText(reason) });

  return (
    <>
      <PageHeader title={t('dashboard.nav.email')} />
      <p class="page-intro">{t('dashboard.email.intro')}</p>
      <Loaded load={status} retry={reloadStatus}>
        {(s) => <StatusLine status={s} />}
      </Loaded>
      <p ref={doneLine} class="done" role="status" aria-live="polite" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error" role="alert" aria-live="assertive">
        {notice.problem}
      </p>
      <Loaded load={recipients} retry={reload}>
        {(view) => <Recipients me={me} view={view} onDone={done} onFailed={failed} />}
      </Loaded>
      <Loaded load={status} retry={reloadStatus}>
        {(s) => (s.configured && s.mayTest ? <TestMessage /> : null)}
      </Loaded>
    </>
  );
}

function StatusLine({ status }: { status: EmailStatus }) {
  const { t } = useT();
  return (
    <section class="email-status" aria-labelledby="email-status-title">
      <h2 id="email-status-title">{t('dashboard.email.status.title')}</h2>
      {status.configured ? (
        <p class="email-status-on">
          {t('dashboard.email.status.on', { host: status.host ?? '', port: status.port ?? '', from: status.from ?? '' })} {t(`dashboard.email.security.${status.security ?? 'none'}`)}
        </p>
      ) : (
        <p class="email-status-off">{t('dashboard.email.status.off')}</p>
      )}
    </section>
  );
}

function Recipients({ me, view, onDone, onFailed }: { me: Me; view: EmailRecipientsView } & Outcome) {
  const { api } = useDashboard();
  const { t } = useT();
  const [editing, setEditing] = useState<EmailRecipientView | null>(null);
  const scopeText = (r: EmailRecipientView) =>
    r.branchId
      ? t('dashboard.email.scope.branch', { name: me.branches.find((b) => b.id === r.branchId)?.name ?? r.branchId })
      : r.regionId
        ? t('dashboard.email.scope.region', { name: me.regions?.find((g) => g.id === r.regionId)?.name ?? r.regionId })
        : t('dashboard.email.scope.network');
  const eventsText = (r: EmailRecipientView) => r.events.map((e) => t(`dashboard.email.event.${e}`)).join(', ');
  const onOff = (r: EmailRecipientView) => t(r.enabled ? 'dashboard.email.on' : 'dashboard.email.off');
  const columns: Column<EmailRecipientView>[] = [
    { id: 'name', header: t('dashboard.email.column.name'), rowHeader: true, cell: (r) => r.name, sort: (r) => r.name, csv: (r) => r.name },
    { id: 'address', header: t('dashboard.email.column.address'), cell: (r) => r.address, sort: (r) => r.address, csv: (r) => r.address },
    { id: 'scope', header: t('dashboard.email.column.scope'), cell: scopeText, sort: scopeText, csv: scopeText },
    { id: 'events', header: t('dashboard.email.column.events'), cell: eventsText, sort: eventsText, csv: eventsText },
    { id: 'language', header: t('dashboard.email.column.language'), cell: (r) => t(`language.names.${r.language}`), sort: (r) => r.language, csv: (r) => r.language },
    { id: 'enabled', header: t('dashboard.email.column.enabled'), cell: onOff, sort: (r) => (r.enabled ? 1 : 0), csv: onOff },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (r) => (
        <button type="button" class="quiet-action" aria-label={t('dashboard.email.editNamed', { name: r.name })} onClick={() => setEditing(r)}>
          {t('dashboard.email.edit')}
        </button>
      ),
    },
  ];
  return (
    <section class="email-section" aria-labelledby="email-recipients-title">
      <h2 id="email-recipients-title">{t('dashboard.email.recipientsTitle')}</h2>
      <DataTable
        level={3}
        title={t('dashboard.email.recipientsTable')}
        rows={view.recipients}
        columns={columns}
        rowKey={(r) => r.id}
        exportName="email-recipients"
        empty={t('dashboard.email.noRecipients')}
        initialSort={{ column: 'name', direction: 'ascending' }}
      />
      {editing ? (
        <RecipientForm
          key={editing.id}
          me={me}
          mayUseNetwork={view.mayUseNetwork}
          recipient={editing}
          onCancel={() => setEditing(null)}
          onSave={async (input, enabled) => {
            const result = await api.editEmailRecipient(editing.id, { ...input, regionId: input.regionId ?? null, branchId: input.branchId ?? null, enabled });
            if (!result.ok) return onFailed(result.reason);
            setEditing(null);
            onDone(t('dashboard.email.saved', { name: result.value.name }));
          }}
        />
      ) : (
        <RecipientForm
          me={me}
          mayUseNetwork={view.mayUseNetwork}
          recipient={null}
          onSave={async (input) => {
            const result = await api.addEmailRecipient(input);
            if (!result.ok) return onFailed(result.reason);
            onDone(t('dashboard.email.added', { name: result.value.name }));
          }}
        />
      )}
    </section>
  );
}

/** What is wrong with the form as typed, before the server is asked. */
type FormProblem = 'name' | 'address' | 'events' | 'scope';

function RecipientForm({
  me,
  mayUseNetwork,
  recipient,
  onSave,
  onCancel,
}: {
  me: Me;
  mayUseNetwork: boolean;
  recipient: EmailRecipientView | null;
  onSave: (input: EmailRecipientAdd, enabled: boolean) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t, language: shown } = useT();
  const id = useId();
  // The scopes this viewer may choose: the network (head office), their regions, their branches.
  const scopes: { value: ScopeValue; label: string }[] = [
    ...(mayUseNetwork ? [{ value: '', label: t('dashboard.email.scope.network') }] : []),
    ...(me.regions ?? []).map((r) => ({ value: `region:${r.id}`, label: t('dashboard.email.scope.region', { name: r.name }) })),
    ...me.branches.map((b) => ({ value: `branch:${b.id}`, label: t('dashboard.email.scope.branch', { name: b.name }) })),
  ];
  const [name, setName] = useState(recipient?.name ?? '');
  const [address, setAddress] = useState(recipient?.address ?? '');
  // A new recipient reads the language the page is read in, until told otherwise.
  const [language, setLanguage] = useState<Language>(recipient?.language ?? ((LANGUAGES as readonly string[]).includes(shown) ? (shown as Language) : 'en'));
  const [scope, setScope] = useState<ScopeValue>(recipient ? scopeValueOf(recipient) : (scopes[0]?.value ?? ''));
  const [events, setEvents] = useState<NotificationEvent[]>(recipient?.events ?? ['alert-raised', 'alert-escalated', 'digest']);
  const [enabled, setEnabled] = useState(recipient?.enabled ?? true);
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: FormProblem | null =
      name.trim() === '' ? 'name' : !v.is(EmailAddressSchema, address.trim()) ? 'address' : events.length === 0 ? 'events' : !scopes.some((s) => s.value === scope) ? 'scope' : null;
    setProblem(found);
    if (found) return;
    setBusy(true);
    const { regionId, branchId } = scopeOf(scope);
    await onSave({ name: name.trim(), address: address.trim(), language, events, ...(regionId ? { regionId } : {}), ...(branchId ? { branchId } : {}) }, enabled);
    setBusy(false);
    if (!recipient) {
      setName('');
      setAddress('');
    }
  };
  const toggle = (e: NotificationEvent, on: boolean) => setEvents((list) => (on ? NOTIFICATION_EVENTS.filter((x) => x === e || list.includes(x)) : list.filter((x) => x !== e)));

  return (
    <div class="staff-add email-form">
      <h3>{recipient ? t('dashboard.email.editTitle', { name: recipient.name }) : t('dashboard.email.addTitle')}</h3>
      <form class="staff-form" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for={`${id}-name`}>{t('dashboard.email.field.name')}</label>
          <input id={`${id}-name`} value={name} maxLength={100} autoComplete="off" aria-invalid={problem === 'name'} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${id}-address`}>{t('dashboard.email.field.address')}</label>
          <input id={`${id}-address`} type="email" value={address} maxLength={254} autoComplete="off" aria-invalid={problem === 'address'} onInput={(e) => setAddress(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={`${id}-language`}>{t('dashboard.email.field.language')}</label>
          <select id={`${id}-language`} value={language} onChange={(e) => setLanguage(e.currentTarget.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`language.names.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-scope`}>{t('dashboard.email.field.scope')}</label>
          <select id={`${id}-scope`} value={scope} aria-invalid={problem === 'scope'} onChange={(e) => setScope(e.currentTarget.value)}>
            {scopes.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="email-events" aria-invalid={problem === 'events'}>
          <legend>{t('dashboard.email.field.events')}</legend>
          {NOTIFICATION_EVENTS.map((e) => (
            <label key={e} class="email-check">
              <input type="checkbox" checked={events.includes(e)} onChange={(ev) => toggle(e, ev.currentTarget.checked)} />
              {t(`dashboard.email.event.${e}`)}
            </label>
          ))}
        </fieldset>
        {recipient && (
          <label class="email-check">
            <input type="checkbox" checked={enabled} onChange={(ev) => setEnabled(ev.currentTarget.checked)} />
            {t('dashboard.email.field.enabled')}
          </label>
        )}
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {recipient ? t('dashboard.email.save') : t('dashboard.email.add')}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
              {t('dashboard.cancel')}
            </button>
          )}
        </div>
      </form>
      <p class="error" role="alert" aria-live="assertive">
        {problem && t(`dashboard.email.problem.${problem}`)}
      </p>
    </div>
  );
}

function TestMessage() {
  const { api } = useDashboard();
  const { t, language: shown } = useT();
  const id = useId();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ ok: boolean; text: string } | null>(null);
  const send = async (event: Event) => {
    event.preventDefault();
    if (!v.is(EmailAddressSchema, address.trim())) return setSaid({ ok: false, text: t('dashboard.email.problem.address') });
    setBusy(true);
    setSaid(null);
    // The test message is written in the language the page is read in.
    const language = (LANGUAGES as readonly string[]).includes(shown) ? (shown as Language) : 'en';
    const result = await api.sendTestEmail({ address: address.trim(), language });
    setBusy(false);
    if (!result.ok) return setSaid({ ok: false, text: t(result.reason === 'forbidden' ? 'dashboard.email.errors.forbidden' : `dashboard.errors.${result.reason}`) });
    setSaid(result.value.delivered ? { ok: true, text: t('dashboard.email.test.delivered', { address: address.trim() }) } : { ok: false, text: t('dashboard.email.test.refused', { error: result.value.error ?? '' }) });
  };
  return (
    <section class="email-section" aria-labelledby="email-test-title">
      <h2 id="email-test-title">{t('dashboard.email.test.title')}</h2>
      <form class="staff-form" onSubmit={(event) => void send(event)} noValidate>
        <div class="field">
          <label for={`${id}-test`}>{t('dashboard.email.field.address')}</label>
          <input id={`${id}-test`} type="email" value={address} maxLength={254} autoComplete="off" onInput={(e) => setAddress(e.currentTarget.value)} />
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {t('dashboard.email.test.send')}
          </button>
        </div>
      </form>
      <p class={said?.ok ? 'done' : 'error'} role="status" aria-live="polite">
        {said?.text}
      </p>
    </section>
  );
}
