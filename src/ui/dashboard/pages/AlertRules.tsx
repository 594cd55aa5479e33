import { useId, useRef, useState } from 'preact/hooks';
import { ALERT_KINDS, AckMinutesSchema, type AlertKind } from '../../../domain/alerts.ts';
import type { Language } from '../../../domain/language.ts';
import { numberParams, numberRange, type AlertRuleInput, type AlertRuleReason, type AlertRuleScopeView, type AlertRulesView, type AlertRuleView } from '../../../domain/manage-alert-rules.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import type { ApiResult } from '../api.ts';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/**
 * Manage › Alert rules (src/server/routes/manage-alert-rules.ts): the network's rules, which
 * head office changes and everyone else reads, and the rules in force at the branch picked in
 * the header's filter (a branch manager's is theirs), each saying where it comes from; a
 * branch's own rule is saved over the network's or removed to follow it again. Values are
 * checked here against the very ranges the server checks (domain/manage-alert-rules.ts), so a
 * mistake is explained next to its field in the reader's language before anything is sent.
 */
export function AlertRules({ branch }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad(`alert-rules:${branch?.id ?? ''}`, () => api.alertRules(branch?.id ?? null));
  const [done, setDone] = useState<string | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);

  const changed = (message: string) => {
    reload();
    setDone(message);
    setTimeout(() => doneLine.current?.focus(), 0);
  };

  return (
    <>
      <PageHeader title={t('dashboard.nav.alert-rules')} branch={branch} />
      <p class="page-intro">{t('dashboard.alertRules.intro')}</p>
      <p ref={doneLine} class="done" role="status" aria-live="polite" tabIndex={-1}>
        {done}
      </p>
      <Loaded load={load} retry={reload}>
        {(view) => (
          <div class="alert-rules">
            <NetworkRules scope={view.network} onChanged={changed} />
            {branch && view.branch?.branchId === branch.id ? <BranchRules branch={branch} scope={view.branch} onChanged={changed} /> : !branch && <p class="empty">{t('dashboard.alertRules.pickBranch')}</p>}
          </div>
        )}
      </Loaded>
    </>
  );
}

type Changed = (message: string) => void;

function NetworkRules({ scope, onChanged }: { scope: AlertRulesView['network']; onChanged: Changed }) {
  const { api } = useDashboard();
  const { t } = useT();
  return (
    <section class="setup-section" aria-labelledby="alert-rules-network">
      <h2 id="alert-rules-network">{t('dashboard.alertRules.networkTitle')}</h2>
      <p class="muted">{t(scope.mayEdit ? 'dashboard.alertRules.networkDetail' : 'dashboard.alertRules.networkReadOnly')}</p>
      <RuleList
        scope={scope}
        saveLabel={(kind) => t('dashboard.alertRules.saveNetwork', { kind })}
        onSave={async (kind, input) => {
          const result = await api.setNetworkAlertRule(kind, input);
          if (result.ok) onChanged(t('dashboard.alertRules.savedNetwork', { kind: t(`dashboard.alertRules.kind.${kind}.title`) }));
          return result;
        }}
      />
    </section>
  );
}

function BranchRules({ branch, scope, onChanged }: { branch: BranchRef; scope: AlertRuleScopeView; onChanged: Changed }) {
  const { api } = useDashboard();
  const { t } = useT();
  const kindTitle = (kind: AlertKind) => t(`dashboard.alertRules.kind.${kind}.title`);
  return (
    <section class="setup-section" aria-labelledby="alert-rules-branch">
      <h2 id="alert-rules-branch">{t('dashboard.alertRules.branchTitle', { branch: branch.name })}</h2>
      <p class="muted">{t('dashboard.alertRules.branchDetail')}</p>
      <RuleList
        scope={scope}
        saveLabel={(kind) => t('dashboard.alertRules.saveBranch', { kind, branch: branch.name })}
        onSave={async (kind, input) => {
          const result = await api.setBranchAlertRule(branch.id, kind, input);
          if (result.ok) onChanged(t('dashboard.alertRules.savedBranch', { kind: kindTitle(kind), branch: branch.name }));
          return result;
        }}
        clear={{
          label: (kind) => t('dashboard.alertRules.useNetworkNamed', { kind, branch: branch.name }),
          onClear: async (kind) => {
            const result = await api.clearBranchAlertRule(branch.id, kind);
            if (result.ok) onChanged(t('dashboard.alertRules.cleared', { kind: kindTitle(kind), branch: branch.name }));
            return result;
          },
        }}
      />
    </section>
  );
}

type Save = (kind: AlertKind, input: AlertRuleInput) => Promise<ApiResult<AlertRulesView>>;
type Clear = { label: (kindTitle: string) => string; onClear: (kind: AlertKind) => Promise<ApiResult<AlertRulesView>> };

function RuleList({ scope, saveLabel, onSave, clear }: { scope: AlertRuleScopeView; saveLabel: (kindTitle: string) => string; onSave: Save; clear?: Clear }) {
  return (
    <ul class="alert-rules-list">
      {ALERT_KINDS.map((kind) => {
        const rule = scope.rules.find((r) => r.kind === kind);
        // Keyed by what it shows: a saved or removed rule comes back as new values, and the form starts again from them.
        return rule ? (
          <li key={`${kind}:${JSON.stringify(rule)}`}>
            <RuleForm rule={rule} reasons={scope.reasons} readOnly={!scope.mayEdit} saveLabel={saveLabel} onSave={onSave} clear={clear} />
          </li>
        ) : null;
      })}
    </ul>
  );
}

/** What the form holds: numbers as typed, checked when saved. */
type Draft = { enabled: boolean; numbers: Record<string, string>; reasonIds: string[]; ackMinutes: string };
/** Which field a problem is next to: a numeric parameter, the reasons, the minutes to acknowledge, or the form. */
type Problems = Partial<Record<string, string>>;

const draftOf = (rule: AlertRuleView): Draft => ({
  enabled: rule.enabled,
  numbers: Object.fromEntries(numberParams(rule.kind).map(({ field }) => [field, String((rule.params as Record<string, number>)[field])])),
  reasonIds: rule.kind === 'low-with-reasons' ? [...(rule.params as { reasonIds: string[] }).reasonIds] : [],
  ackMinutes: String(rule.ackMinutes),
});

/** A whole number as typed within its range, or null. */
function wholeIn(typed: string, range: { min: number; max: number }): number | null {
  const text = typed.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= range.min && value <= range.max ? value : null;
}

/** The field a server's refusal names ("params.count: …", "ackMinutes: …"), so its text goes next to that field. */
function fieldOfMessage(message: string): string | null {
  const path = /^([\w.-]+):/.exec(message)?.[1] ?? '';
  if (path === 'ackMinutes') return 'ackMinutes';
  if (path.startsWith('params.')) return path.slice('params.'.length).split('.')[0] ?? null;
  return null;
}

function RuleForm({ rule, reasons, readOnly, saveLabel, onSave, clear }: {
  rule: AlertRuleView;
  reasons: AlertRuleReason[];
  readOnly: boolean;
  saveLabel: (kindTitle: string) => string;
  onSave: Save;
  clear?: Clear;
}) {
  const { t, language } = useT();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const form = useRef<HTMLFormElement>(null);
  const kind = rule.kind;
  const title = t(`dashboard.alertRules.kind.${kind}.title`);
  const numbers = numberParams(kind);
  const ackRange = numberRange(AckMinutesSchema)!;

  /** What is wrong, field by field, in the reader's language; the input when nothing is. */
  const check = (): { input: AlertRuleInput } | { problems: Problems } => {
    const found: Problems = {};
    const params: Record<string, unknown> = {};
    for (const { field, min, max } of numbers) {
      const value = wholeIn(draft.numbers[field] ?? '', { min, max });
      if (value === null) found[field] = t('dashboard.alertRules.errors.range', { min, max });
      else params[field] = value;
    }
    if (kind === 'low-with-reasons') params.reasonIds = draft.reasonIds;
    const ackMinutes = wholeIn(draft.ackMinutes, ackRange);
    if (ackMinutes === null) found.ackMinutes = t('dashboard.alertRules.errors.range', ackRange);
    return Object.keys(found).length > 0 ? { problems: found } : { input: { enabled: draft.enabled, params, ackMinutes: ackMinutes! } };
  };

  /** A refusal next to the field it names, else under the form. */
  const refused = (result: { reason: string; message?: string }): Problems => {
    if (result.reason === 'bad-request') {
      const field = fieldOfMessage(result.message ?? '');
      if (field === 'reasonIds') return { reasonIds: t('dashboard.alertRules.errors.reasons') };
      const range = field === 'ackMinutes' ? ackRange : numbers.find((n) => n.field === field);
      if (field && range) return { [field]: t('dashboard.alertRules.errors.range', { min: range.min, max: range.max }) };
    }
    const own = ['forbidden', 'bad-request', 'not-found'].includes(result.reason);
    return { form: t(own ? `dashboard.alertRules.errors.${result.reason}` : `dashboard.errors.${result.reason}`) };
  };

  const run = async (act: () => Promise<ApiResult<AlertRulesView>>) => {
    setBusy(true);
    setProblems({});
    const result = await act();
    setBusy(false);
    if (!result.ok) setProblems(refused(result));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy || readOnly) return;
    const checked = check();
    if ('problems' in checked) {
      setProblems(checked.problems);
      // The first field in trouble takes the focus, so a keyboard or screen-reader user lands on it.
      setTimeout(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    void run(() => onSave(kind, checked.input));
  };

  const toggleReason = (reasonId: string, on: boolean) =>
    setDraft((d) => ({ ...d, reasonIds: on ? [...d.reasonIds, reasonId] : d.reasonIds.filter((r) => r !== reasonId) }));

  const numberField = (field: string, label: string, value: string, onInput: (value: string) => void, range: { min: number; max: number }) => (
    <div class="field" key={field}>
      <label for={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        type="number"
        inputMode="numeric"
        min={range.min}
        max={range.max}
        step={1}
        value={value}
        disabled={readOnly}
        aria-invalid={problems[field] ? true : undefined}
        aria-describedby={`${id}-${field}-error`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <span id={`${id}-${field}-error`} class="field-error">
        {problems[field]}
      </span>
    </div>
  );

  return (
    <section class="alert-rule" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p class="alert-rule-description">{t(`dashboard.alertRules.kind.${kind}.description`)}</p>
      <p class="alert-rule-source">{t('dashboard.alertRules.sourceLabel', { source: t(`dashboard.alertRules.source.${rule.source}`) })}</p>
      <form ref={form} class="staff-form alert-rule-form" onSubmit={submit} noValidate>
        <div class="field field-check">
          <input id={`${id}-enabled`} type="checkbox" checked={draft.enabled} disabled={readOnly} onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })} />
          <label for={`${id}-enabled`}>{t('dashboard.alertRules.enabled')}</label>
        </div>
        {numbers.map(({ field, min, max }) =>
          numberField(field, t(`dashboard.alertRules.param.${field}`), draft.numbers[field] ?? '', (value) => setDraft((d) => ({ ...d, numbers: { ...d.numbers, [field]: value } })), { min, max }),
        )}
        {kind === 'low-with-reasons' && (
          <fieldset class="alert-rule-reasons" aria-describedby={`${id}-reasonIds-hint ${id}-reasonIds-error`}>
            <legend>{t('dashboard.alertRules.reasons')}</legend>
            {reasons.length === 0 && <p class="muted">{t('dashboard.alertRules.noReasons')}</p>}
            {reasons.map((reason) => {
              const label = reason.labels[language as Language] ?? reason.labels.en;
              return (
                <div class="field field-check" key={reason.id}>
                  <input
                    id={`${id}-reason-${reason.id}`}
                    type="checkbox"
                    checked={draft.reasonIds.includes(reason.id)}
                    disabled={readOnly}
                    onChange={(e) => toggleReason(reason.id, e.currentTarget.checked)}
                  />
                  <label for={`${id}-reason-${reason.id}`}>{reason.active ? label : t('dashboard.alertRules.reasonOff', { label })}</label>
                </div>
              );
            })}
            <p id={`${id}-reasonIds-hint`} class="muted">
              {t('dashboard.alertRules.reasonsHint')}
            </p>
            <span id={`${id}-reasonIds-error`} class="field-error">
              {problems.reasonIds}
            </span>
          </fieldset>
        )}
        {numberField('ackMinutes', t('dashboard.alertRules.ackMinutes'), draft.ackMinutes, (value) => setDraft((d) => ({ ...d, ackMinutes: value })), ackRange)}
        {!readOnly && (
          <div class="staff-form-actions">
            <button type="submit" class="primary" disabled={busy} aria-busy={busy} aria-label={saveLabel(title)}>
              {t('dashboard.alertRules.save')}
            </button>
            {clear && rule.source === 'branch' && (
              <button type="button" class="secondary" disabled={busy} aria-label={clear.label(title)} onClick={() => void run(() => clear.onClear(kind))}>
                {t('dashboard.alertRules.useNetwork')}
              </button>
            )}
          </div>
        )}
      </form>
      <p class="error" role="alert">
        {problems.form}
      </p>
    </section>
  );
}
