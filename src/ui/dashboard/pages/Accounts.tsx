import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { HEAD_OFFICE, REGIONAL_MANAGER } from '../../../domain/access.ts';
import type { AccountChange, AccountInvite, AccountKind, AccountList, ManagedAccount } from '../../../domain/manage-accounts.ts';
import type { ApiResult } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

const STAFF_NUMBER = /^[A-Za-z0-9-]{1,20}$/;

/**
 * Manage › Accounts: who signs in to the dashboard (src/server/routes/manage-accounts.ts).
 * Head office every account; a regional manager the roster managers of their region; a branch
 * manager their complaint managers. An invitation or a reset shows a temporary password once,
 * to copy or print on a slip; its owner chooses their own at the first sign-in.
 */
export function Accounts({ me }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad('accounts', () => api.accounts());
  const [shown, setShown] = useState<AccountChange | null>(null);
  const [asked, setAsked] = useState<{ account: ManagedAccount; act: 'reset' | 'disable' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const slipHeading = useRef<HTMLHeadingElement>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);

  const errorText = (reason: string) => t(reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.accounts.errors.${reason}` : `dashboard.errors.${reason}`);
  const scopeKey = me.role === HEAD_OFFICE ? 'headOffice' : me.role === REGIONAL_MANAGER ? 'region' : 'branch';

  /** A change made: the list again, and a temporary password if one came, in the panel that takes the focus. */
  const changed = (change: AccountChange, message: string) => {
    reload();
    setDone(message);
    if (change.temporaryPassword !== null) {
      setShown(change);
      setTimeout(() => slipHeading.current?.focus(), 0);
    } else {
      setTimeout(() => doneLine.current?.focus(), 0);
    }
  };

  const act = async (action: () => Promise<ApiResult<AccountChange>>, message: (change: AccountChange) => string) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result = await action();
    setBusy(false);
    setAsked(null);
    if (!result.ok) return setProblem(errorText(result.reason));
    changed(result.value, message(result.value));
  };

  const closeSlip = () => {
    setShown(null);
    setTimeout(() => doneLine.current?.focus(), 0);
  };

  return (
    <>
      <PageHeader title={t('dashboard.nav.accounts')} />
      <p class="page-intro no-print">{t(`dashboard.accounts.intro.${scopeKey}`)}</p>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {done}
      </p>
      {shown && <TemporaryPassword change={shown} heading={slipHeading} onClose={closeSlip} />}
      <p class="error no-print" role="alert">
        {problem}
      </p>
      <div class="no-print">
        <Loaded load={load} retry={reload}>
          {(list) => (
            <>
              <AccountsTable
                accounts={list.accounts}
                busy={busy}
                onReset={(account) => { setProblem(null); setAsked({ account, act: 'reset' }); }}
                onDisable={(account) => { setProblem(null); setAsked({ account, act: 'disable' }); }}
                onEnable={(account) => void act(() => api.setAccountActive(account.staffNumber, true), () => t('dashboard.accounts.enabled', { name: account.name }))}
              />
              <Invite list={list} scope={scopeKey} errorText={errorText} onInvited={(change) => changed(change, t('dashboard.accounts.invited', { name: change.account.name }))} />
            </>
          )}
        </Loaded>
      </div>
      {asked && (
        <ConfirmDialog
          title={t(`dashboard.accounts.confirm.${asked.act}Title`, { name: asked.account.name })}
          confirmLabel={t(`dashboard.accounts.confirm.${asked.act}`)}
          busy={busy}
          error={problem}
          onConfirm={() =>
            void (asked.act === 'reset'
              ? act(() => api.resetAccountPassword(asked.account.staffNumber), () => t('dashboard.accounts.resetDone', { name: asked.account.name }))
              : act(() => api.setAccountActive(asked.account.staffNumber, false), () => t('dashboard.accounts.disabled', { name: asked.account.name })))
          }
          onCancel={() => setAsked(null)}
        >
          <p>{t(`dashboard.accounts.confirm.${asked.act}Detail`, { name: asked.account.name })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

/** The temporary password, once: large, to copy, and as a slip to print and hand over. */
function TemporaryPassword({ change, heading, onClose }: { change: AccountChange; heading: { current: HTMLHeadingElement | null }; onClose: () => void }) {
  const { print } = useDashboard();
  const { t } = useT();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const password = change.temporaryPassword ?? '';
  const address = `${location.origin}/dashboard`;
  const { account } = change;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(password);
      setCopied('yes');
    } catch {
      // No clipboard (an insecure origin, a refusal): the password stays on screen to copy by hand.
      setCopied('no');
    }
  };

  return (
    <section class="account-slip" aria-labelledby="account-slip-title" data-testid="account-slip">
      <h2 id="account-slip-title" ref={heading} tabIndex={-1}>
        {t('dashboard.accounts.slip.title', { name: account.name })}
      </h2>
      <dl class="account-slip-facts">
        <dt>{t('dashboard.accounts.column.name')}</dt>
        <dd>{account.name}</dd>
        <dt>{t('dashboard.accounts.column.staffNumber')}</dt>
        <dd>{account.staffNumber}</dd>
        <dt>{t('dashboard.accounts.slip.address')}</dt>
        <dd lang="en">{address}</dd>
        <dt>{t('dashboard.accounts.slip.password')}</dt>
        <dd class="account-slip-password" lang="en" data-testid="temporary-password">
          {password}
        </dd>
      </dl>
      <p class="account-slip-note">{t('dashboard.accounts.slip.firstSignIn')}</p>
      <p class="account-slip-note no-print">
        <strong>{t('dashboard.accounts.slip.once')}</strong>
      </p>
      <div class="account-slip-actions no-print">
        <button type="button" class="secondary" onClick={() => void copy()}>
          {t('dashboard.accounts.slip.copy')}
        </button>
        <button type="button" class="secondary" onClick={print}>
          {t('dashboard.accounts.slip.print')}
        </button>
        <button type="button" class="primary" onClick={onClose}>
          {t('dashboard.accounts.slip.done')}
        </button>
        <span role="status" class="muted">
          {copied && t(copied === 'yes' ? 'dashboard.accounts.slip.copied' : 'dashboard.accounts.slip.notCopied')}
        </span>
      </div>
    </section>
  );
}

function AccountsTable({ accounts, busy, onReset, onDisable, onEnable }: {
  accounts: ManagedAccount[];
  busy: boolean;
  onReset: (account: ManagedAccount) => void;
  onDisable: (account: ManagedAccount) => void;
  onEnable: (account: ManagedAccount) => void;
}) {
  const { t } = useT();
  const roleText = (a: ManagedAccount) => (a.role === null ? t('dashboard.accounts.offRoster') : t(`dashboard.role.${a.role}`));
  const whereText = (a: ManagedAccount) => a.branch?.name ?? a.region?.name ?? (a.role === HEAD_OFFICE ? t('dashboard.filters.allBranches') : '–');
  const statusText = (a: ManagedAccount) => t(`dashboard.accounts.status.${!a.active ? 'disabled' : a.signsIn ? 'active' : 'offRoster'}`);
  const passwordText = (a: ManagedAccount) => t(`dashboard.accounts.password.${a.mustChangePassword ? 'temporary' : 'own'}`);
  const columns: Column<ManagedAccount>[] = [
    { id: 'staffNumber', header: t('dashboard.accounts.column.staffNumber'), cell: (a) => a.staffNumber, sort: (a) => a.staffNumber, csv: (a) => a.staffNumber },
    { id: 'name', header: t('dashboard.accounts.column.name'), rowHeader: true, cell: (a) => a.name, sort: (a) => a.name, csv: (a) => a.name },
    { id: 'role', header: t('dashboard.accounts.column.role'), cell: roleText, sort: (a) => a.role ?? '', csv: roleText },
    { id: 'where', header: t('dashboard.accounts.column.where'), cell: whereText, sort: whereText, csv: whereText },
    { id: 'status', header: t('dashboard.accounts.column.status'), cell: statusText, sort: statusText, csv: statusText },
    { id: 'password', header: t('dashboard.accounts.column.password'), cell: passwordText, sort: passwordText, csv: passwordText },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (a) =>
        a.self ? (
          <span class="sub">{t('dashboard.accounts.selfNote')}</span>
        ) : (
          <span class="staff-row-actions">
            <button type="button" class="quiet-action" disabled={busy || !a.active} aria-label={t('dashboard.accounts.resetNamed', { name: a.name })} onClick={() => onReset(a)}>
              {t('dashboard.accounts.reset')}
            </button>
            {a.active ? (
              <button type="button" class="quiet-action" disabled={busy} aria-label={t('dashboard.accounts.disableNamed', { name: a.name })} onClick={() => onDisable(a)}>
                {t('dashboard.accounts.disable')}
              </button>
            ) : (
              <button type="button" class="quiet-action" disabled={busy} aria-label={t('dashboard.accounts.enableNamed', { name: a.name })} onClick={() => onEnable(a)}>
                {t('dashboard.accounts.enable')}
              </button>
            )}
          </span>
        ),
    },
  ];
  return (
    <DataTable
      title={t('dashboard.accounts.title')}
      detail={t('dashboard.accounts.detail')}
      rows={accounts}
      columns={columns}
      rowKey={(a) => a.staffNumber}
      exportName="accounts"
      empty={t('dashboard.accounts.empty')}
      rowClass={(a) => (a.signsIn ? undefined : 'row-inactive')}
      initialSort={{ column: 'name', direction: 'ascending' }}
    />
  );
}

function Invite({ list, scope, errorText, onInvited }: { list: AccountList; scope: string; errorText: (reason: string) => string; onInvited: (change: AccountChange) => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { kind: useId(), branch: useId(), member: useId(), staffNumber: useId(), name: useId(), region: useId(), rosterNote: useId() };
  const [kind, setKind] = useState<AccountKind>(list.mayInvite[0] ?? 'roster');
  const [branchId, setBranchId] = useState(list.branches[0]?.id ?? '');
  const [tellerId, setTellerId] = useState('');
  const [staffNumber, setStaffNumber] = useState('');
  const [name, setName] = useState('');
  const [regionId, setRegionId] = useState(list.regions[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const members = list.candidates.filter((c) => c.branchId === branchId);

  // The member list follows the branch: the first manager without an account, or none.
  useEffect(() => {
    if (!members.some((m) => m.tellerId === tellerId)) setTellerId(members[0]?.tellerId ?? '');
  }, [branchId, list]);

  const inviteOf = (): AccountInvite | string => {
    if (kind === 'roster') return tellerId === '' ? t('dashboard.accounts.errors.member') : { kind, tellerId };
    const number = staffNumber.trim();
    if (!STAFF_NUMBER.test(number)) return t('dashboard.accounts.errors.staffNumber');
    if (name.trim() === '') return t('dashboard.accounts.errors.name');
    if (list.accounts.some((a) => a.staffNumber.toLowerCase() === number.toLowerCase())) return t('dashboard.accounts.errors.taken', { staffNumber: number });
    if (kind === 'head-office') return { kind, staffNumber: number, name: name.trim() };
    return regionId === '' ? t('dashboard.accounts.errors.region') : { kind, staffNumber: number, name: name.trim(), regionId };
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const invite = inviteOf();
    if (typeof invite === 'string') return setProblem(invite);
    setBusy(true);
    setProblem(null);
    const result = await api.inviteAccount(invite);
    setBusy(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    setStaffNumber('');
    setName('');
    onInvited(result.value);
  };

  return (
    <section class="staff-add" aria-labelledby="account-invite-title">
      <h2 id="account-invite-title">{t('dashboard.accounts.inviteTitle')}</h2>
      <form class="staff-form" onSubmit={(event) => void submit(event)} noValidate>
        {list.mayInvite.length > 1 && (
          <div class="field">
            <label for={ids.kind}>{t('dashboard.accounts.kindLabel')}</label>
            <select id={ids.kind} value={kind} onChange={(e) => { setProblem(null); setKind(e.currentTarget.value as AccountKind); }}>
              {list.mayInvite.map((k) => (
                <option key={k} value={k}>
                  {t(`dashboard.accounts.kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'roster' ? (
          <>
            <div class="field">
              <label for={ids.branch}>{t('dashboard.accounts.column.branch')}</label>
              <select id={ids.branch} value={branchId} onChange={(e) => setBranchId(e.currentTarget.value)}>
                {list.branches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for={ids.member}>{t('dashboard.accounts.member')}</label>
              <select id={ids.member} value={tellerId} disabled={members.length === 0} aria-describedby={ids.rosterNote} onChange={(e) => setTellerId(e.currentTarget.value)}>
                {members.length === 0 && <option value="">{t('dashboard.accounts.noMembers')}</option>}
                {members.map((m) => (
                  <option key={m.tellerId} value={m.tellerId}>
                    {t('dashboard.accounts.memberOption', { name: m.name, staffNumber: m.staffNumber, role: t(`dashboard.role.${m.role}`) })}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : (
          <>
            <div class="field">
              <label for={ids.staffNumber}>{t('dashboard.accounts.column.staffNumber')}</label>
              <input id={ids.staffNumber} value={staffNumber} onInput={(e) => setStaffNumber(e.currentTarget.value)} autoComplete="off" maxLength={20} required />
            </div>
            <div class="field">
              <label for={ids.name}>{t('dashboard.accounts.column.name')}</label>
              <input id={ids.name} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" maxLength={80} required />
            </div>
            {kind === 'regional-manager' && (
              <div class="field">
                <label for={ids.region}>{t('dashboard.accounts.region')}</label>
                <select id={ids.region} value={regionId} disabled={list.regions.length === 0} onChange={(e) => setRegionId(e.currentTarget.value)}>
                  {list.regions.length === 0 && <option value="">{t('dashboard.accounts.noRegions')}</option>}
                  {list.regions.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </>
        )}
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('dashboard.accounts.inviting') : t('dashboard.accounts.invite')}
        </button>
      </form>
      {kind === 'roster' && (
        <p class="muted" id={ids.rosterNote}>
          {t(`dashboard.accounts.rosterNote.${scope}`)}
        </p>
      )}
      <p class="muted">{t('dashboard.accounts.inviteNote')}</p>
      <p class="error" role="alert">
        {problem}
      </p>
    </section>
  );
}
