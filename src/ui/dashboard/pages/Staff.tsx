import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { managesBranchManagers } from '../../../domain/access.ts';
import type { StaffChange, StaffEdit, StaffMember } from '../../../domain/manage.ts';
import type { BranchRef, Me } from '../../../domain/reports.ts';
import { ROSTER_ROLES, type RosterRole } from '../../../domain/teller.ts';
import type { ApiResult } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';
import { StaffPhoto } from './StaffPhoto.tsx';

const STAFF_NUMBER = /^[A-Za-z0-9-]{1,20}$/;
const STARS = [1, 2, 3, 4, 5] as const;

/**
 * Manage › Staff: a branch's people on the tablets (src/server/routes/manage.ts). Head office
 * picks the branch in the filter; a branch manager's is theirs. Changes reach the branch's
 * tablets at their next sync. A new member's PIN, or a new PIN, is shown once, to write down.
 */
export function Staff({ me, branch }: PageProps) {
  const { t } = useT();
  return (
    <>
      <PageHeader title={t('dashboard.nav.staff')} branch={branch} />
      <p class="page-intro">{t('dashboard.staff.intro')}</p>
      {branch ? <StaffBranch me={me} branch={branch} key={branch.id} /> : <p class="empty">{t('dashboard.staff.pickBranch')}</p>}
    </>
  );
}

type ShownPin = { name: string; staffNumber: string; pin: string };

function StaffBranch({ me, branch }: { me: Me; branch: BranchRef }) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad(`staff:${branch.id}`, () => api.staff(branch.id));
  const [shown, setShown] = useState<ShownPin | null>(null);
  const [editing, setEditing] = useState<StaffMember | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const pinHeading = useRef<HTMLHeadingElement>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);

  const errorText = (reason: string) => t(reason === 'forbidden' || reason === 'bad-request' ? `dashboard.staff.errors.${reason}` : `dashboard.errors.${reason}`);

  /** A change made: the roster again, and the PIN if one came, in the panel that takes the focus. */
  const changed = (change: StaffChange, message: string) => {
    reload();
    setDone(message);
    if (change.pin !== null) {
      setShown({ name: change.member.name, staffNumber: change.member.staffNumber, pin: change.pin });
      setTimeout(() => pinHeading.current?.focus(), 0);
    } else {
      setTimeout(() => doneLine.current?.focus(), 0);
    }
  };

  const newPin = async (member: StaffMember) => {
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result = await api.newStaffPin(member.id);
    setBusy(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    changed(result.value, t('dashboard.staff.pinDone', { name: member.name }));
  };

  const closePin = () => {
    setShown(null);
    setTimeout(() => doneLine.current?.focus(), 0);
  };

  return (
    <>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {done}
      </p>
      {shown && (
        <section class="staff-pin" aria-labelledby="staff-pin-title" data-testid="staff-pin">
          <h2 id="staff-pin-title" ref={pinHeading} tabIndex={-1}>
            {t('dashboard.staff.pinTitle', { name: shown.name })}
          </h2>
          <p>{t('dashboard.staff.pinFor', { name: shown.name, staffNumber: shown.staffNumber })}</p>
          <p class="staff-pin-value" lang="en" aria-label={t('dashboard.staff.pinLabel', { pin: shown.pin.split('').join(' ') })}>
            {shown.pin}
          </p>
          <p class="staff-pin-note">
            <strong>{t('dashboard.staff.pinOnce')}</strong>
          </p>
          <p class="staff-pin-note">{t('dashboard.staff.pinOneTime')}</p>
          <button type="button" class="primary" onClick={closePin}>
            {t('dashboard.staff.pinDoneButton')}
          </button>
        </section>
      )}
      <p class="error" role="alert">
        {problem}
      </p>
      <Loaded load={load} retry={reload}>
        {(list) => (
          <>
            {editing && (
              <EditMember
                key={editing.id}
                me={me}
                member={list.staff.find((m) => m.id === editing.id) ?? editing}
                errorText={errorText}
                onDone={(change, message) => {
                  setEditing(null);
                  changed(change, message);
                }}
                onCancel={() => setEditing(null)}
              />
            )}
            <StaffTable me={me} staff={list.staff} branch={branch} busy={busy} onEdit={(m) => { setProblem(null); setEditing(m); }} onNewPin={(m) => void newPin(m)} />
            <AddMember me={me} branch={branch} staff={list.staff} errorText={errorText} onAdded={(change) => changed(change, t('dashboard.staff.added', { name: change.member.name }))} />
          </>
        )}
      </Loaded>
    </>
  );
}

/** Another branch manager is head office's to manage (services/staff.ts): a branch manager sees no action on their row. */
const headOfficeManages = (me: Me, member: StaffMember): boolean => !managesBranchManagers(me) && member.role === 'branch-manager' && member.staffNumber !== me.staffNumber;

function StaffTable({ me, staff, branch, busy, onEdit, onNewPin }: {
  me: Me;
  staff: StaffMember[];
  branch: BranchRef;
  busy: boolean;
  onEdit: (member: StaffMember) => void;
  onNewPin: (member: StaffMember) => void;
}) {
  const { t } = useT();
  const yesNo = (value: boolean) => t(value ? 'dashboard.yes' : 'dashboard.no');
  const columns: Column<StaffMember>[] = [
    { id: 'staffNumber', header: t('dashboard.staff.column.staffNumber'), cell: (m) => m.staffNumber, sort: (m) => m.staffNumber, csv: (m) => m.staffNumber },
    { id: 'name', header: t('dashboard.staff.column.name'), rowHeader: true, cell: (m) => m.name, sort: (m) => m.name, csv: (m) => m.name },
    { id: 'role', header: t('dashboard.staff.column.role'), cell: (m) => t(`dashboard.role.${m.role}`), sort: (m) => m.role, csv: (m) => m.role },
    { id: 'stars', header: t('dashboard.staff.column.stars'), numeric: true, cell: (m) => <span aria-label={t('dashboard.staff.starsOf', { stars: m.stars })}>{'★'.repeat(m.stars)}</span>, sort: (m) => m.stars, csv: (m) => m.stars },
    { id: 'active', header: t('dashboard.staff.column.active'), cell: (m) => yesNo(m.active), sort: (m) => (m.active ? 1 : 0), csv: (m) => yesNo(m.active) },
    { id: 'photo', header: t('dashboard.staff.column.photo'), cell: (m) => yesNo(m.hasPhoto), sort: (m) => (m.hasPhoto ? 1 : 0), csv: (m) => yesNo(m.hasPhoto) },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (m) => headOfficeManages(me, m) ? (
        <span class="sub">{t('dashboard.staff.headOfficeManages')}</span>
      ) : (
        <span class="staff-row-actions">
          <button type="button" class="quiet-action" aria-label={t('dashboard.staff.editNamed', { name: m.name })} onClick={() => onEdit(m)}>
            {t('dashboard.staff.edit')}
          </button>
          <button type="button" class="quiet-action" disabled={busy || !m.active} aria-label={t('dashboard.staff.newPinNamed', { name: m.name })} onClick={() => onNewPin(m)}>
            {t('dashboard.staff.newPin')}
          </button>
        </span>
      ),
    },
  ];
  return (
    <DataTable
      title={t('dashboard.staff.title', { branch: branch.name })}
      detail={t('dashboard.staff.detail')}
      rows={staff}
      columns={columns}
      rowKey={(m) => m.id}
      exportName={`staff-${branch.name}`}
      empty={t('dashboard.staff.empty')}
      rowClass={(m) => (m.active ? undefined : 'row-inactive')}
      initialSort={{ column: 'staffNumber', direction: 'ascending' }}
    />
  );
}

/** The roles a viewer may give: a branch manager only by head office. */
/** The role and star fields, as the Add and Edit forms both have them. */
function RoleAndStars({ ids, roles, roleLocked = false, role, setRole, stars, setStars }: {
  ids: { role: string; stars: string };
  roles: RosterRole[];
  roleLocked?: boolean;
  role: RosterRole;
  setRole: (role: RosterRole) => void;
  stars: number;
  setStars: (stars: number) => void;
}) {
  const { t } = useT();
  return (
    <>
      <div class="field">
        <label for={ids.role}>{t('dashboard.staff.column.role')}</label>
        <select id={ids.role} value={role} disabled={roleLocked} onChange={(e) => setRole(e.currentTarget.value as RosterRole)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`dashboard.role.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={ids.stars}>{t('dashboard.staff.column.stars')}</label>
        <select id={ids.stars} value={String(stars)} onChange={(e) => setStars(Number(e.currentTarget.value))}>
          {STARS.map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

const rolesFor = (me: Me): RosterRole[] => ROSTER_ROLES.filter((role) => managesBranchManagers(me) || role !== 'branch-manager');

function AddMember({ me, branch, staff, errorText, onAdded }: {
  me: Me;
  branch: BranchRef;
  staff: StaffMember[];
  errorText: (reason: string) => string;
  onAdded: (change: StaffChange) => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { staffNumber: useId(), name: useId(), role: useId(), stars: useId() };
  const [staffNumber, setStaffNumber] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<RosterRole>('teller');
  const [stars, setStars] = useState(3);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const number = staffNumber.trim();
    if (!STAFF_NUMBER.test(number)) return setProblem(t('dashboard.staff.errors.staffNumber'));
    if (name.trim() === '') return setProblem(t('dashboard.staff.errors.name'));
    if (staff.some((m) => m.staffNumber === number)) return setProblem(t('dashboard.staff.errors.taken', { staffNumber: number }));
    setBusy(true);
    setProblem(null);
    const result = await api.addStaff(branch.id, { staffNumber: number, name: name.trim(), role, stars });
    setBusy(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    setStaffNumber('');
    setName('');
    setRole('teller');
    setStars(3);
    onAdded(result.value);
  };

  return (
    <section class="staff-add" aria-labelledby="staff-add-title">
      <h2 id="staff-add-title">{t('dashboard.staff.addTitle', { branch: branch.name })}</h2>
      <form class="staff-form" onSubmit={(event) => void submit(event)} noValidate>
        <div class="field">
          <label for={ids.staffNumber}>{t('dashboard.staff.column.staffNumber')}</label>
          <input id={ids.staffNumber} value={staffNumber} onInput={(e) => setStaffNumber(e.currentTarget.value)} autoComplete="off" maxLength={20} required />
        </div>
        <div class="field">
          <label for={ids.name}>{t('dashboard.staff.column.name')}</label>
          <input id={ids.name} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" maxLength={80} required />
        </div>
        <RoleAndStars ids={ids} roles={rolesFor(me)} role={role} setRole={setRole} stars={stars} setStars={setStars} />
        <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
          {busy ? t('dashboard.staff.adding') : t('dashboard.staff.add')}
        </button>
      </form>
      <p class="error" role="alert">
        {problem}
      </p>
    </section>
  );
}

function EditMember({ me, member, errorText, onDone, onCancel }: {
  me: Me;
  member: StaffMember;
  errorText: (reason: string) => string;
  onDone: (change: StaffChange, message: string) => void;
  onCancel: () => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const ids = { name: useId(), role: useId(), stars: useId(), active: useId() };
  const [name, setName] = useState(member.name);
  const [role, setRole] = useState<RosterRole>(member.role);
  const [stars, setStars] = useState(member.stars);
  const [active, setActive] = useState(member.active);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const self = me.branchId === member.branchId && me.staffNumber === member.staffNumber;
  // Only head office gives or takes the branch manager's role; no one changes their own.
  const roleLocked = self || (!managesBranchManagers(me) && member.role === 'branch-manager');
  const roles = roleLocked ? [member.role] : rolesFor(me);

  // The form is what was asked for: a screen reader goes on from its heading.
  useEffect(() => heading.current?.focus(), []);

  const send = async (action: () => Promise<ApiResult<StaffChange>>, message: string) => {
    setBusy(true);
    setProblem(null);
    const result = await action();
    setBusy(false);
    setConfirming(false);
    if (!result.ok) return setProblem(errorText(result.reason));
    onDone(result.value, message);
  };

  const save = () => {
    if (name.trim() === '') return setProblem(t('dashboard.staff.errors.name'));
    const edit: StaffEdit = {};
    if (name.trim() !== member.name) edit.name = name.trim();
    if (stars !== member.stars) edit.stars = stars;
    if (role !== member.role) edit.role = role;
    if (active !== member.active) edit.active = active;
    if (Object.keys(edit).length === 0) return onCancel();
    void send(() => api.editStaff(member.id, edit), t('dashboard.staff.saved', { name: edit.name ?? member.name }));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    // Taking someone off the roster signs them out of the tablets at their next sync: asked first.
    if (member.active && !active) return setConfirming(true);
    save();
  };

  return (
    <section class="staff-edit" aria-labelledby="staff-edit-title">
      <h2 id="staff-edit-title" ref={heading} tabIndex={-1}>
        {t('dashboard.staff.editTitle', { name: member.name, staffNumber: member.staffNumber })}
      </h2>
      <form class="staff-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for={ids.name}>{t('dashboard.staff.column.name')}</label>
          <input id={ids.name} value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" maxLength={80} required />
        </div>
        <RoleAndStars ids={ids} roles={roles} roleLocked={roleLocked} role={role} setRole={setRole} stars={stars} setStars={setStars} />
        <div class="field field-check">
          <input id={ids.active} type="checkbox" checked={active} disabled={self} onChange={(e) => setActive(e.currentTarget.checked)} />
          <label for={ids.active}>{t('dashboard.staff.column.active')}</label>
        </div>
        <div class="staff-form-actions">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {t('dashboard.staff.save')}
          </button>
          <button type="button" class="secondary" onClick={onCancel} disabled={busy}>
            {t('dashboard.cancel')}
          </button>
        </div>
      </form>
      {(self || roleLocked) && <p class="muted">{t(self ? 'dashboard.staff.selfNote' : 'dashboard.staff.managerNote')}</p>}
      <StaffPhoto member={member} busy={busy} errorText={errorText} onDone={onDone} />
      <p class="error" role="alert">
        {problem}
      </p>
      {confirming && (
        <ConfirmDialog
          title={t('dashboard.staff.confirmTitle', { name: member.name })}
          confirmLabel={t('dashboard.staff.confirm')}
          busy={busy}
          error={problem}
          onConfirm={save}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('dashboard.staff.confirmDetail', { name: member.name })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
