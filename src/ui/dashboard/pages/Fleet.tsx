import { deviceNameOf } from '../labels.ts';
import { useRef, useState } from 'preact/hooks';
import type { FleetDevice, FleetState } from '../../../domain/reports.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { bytes, count, dateTime, offset, relative, shortDateTime } from '../format.ts';
import { shortId } from '../privacy.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';
import type { TabletReplacement } from '../../../domain/manage-tablets.ts';
import { EditTablet, ReplaceTablet, ReplacementLink } from './FleetTablets.tsx';

const STATE_ICON: Record<FleetState, string> = { ok: '✓', behind: '↻', silent: '⚠', never: '○', expired: '⌛', copied: '⚠', revoked: '⛔' };

/** The order of trouble: what needs looking at first. */
const STATE_ORDER: Record<FleetState, number> = { copied: 0, silent: 1, behind: 2, never: 3, expired: 4, ok: 5, revoked: 6 };

/** Storage this full leaves a tablet little room for a day's records offline: flagged. */
export const STORAGE_NEARLY_FULL = 0.8;
/** Records waiting this long mean the tablet has been offline (or failing) for too long. */
export const LONG_UNSYNCED_MS = 24 * 60 * 60_000;

/** A tablet's own problems, from the health it reported: each is flagged on its row, in words. */
export type HealthProblem = 'notPersisted' | 'storageFull' | 'longUnsynced' | 'quarantined' | 'voiceMissing';
export function healthProblemsOf(device: FleetDevice, now: number): HealthProblem[] {
  const health = device.health;
  if (!health || device.state === 'revoked') return [];
  const problems: HealthProblem[] = [];
  if (health.storagePersisted === false) problems.push('notPersisted');
  if (health.storageUsed !== null && health.storageQuota !== null && health.storageQuota > 0 && health.storageUsed / health.storageQuota >= STORAGE_NEARLY_FULL) problems.push('storageFull');
  if (health.oldestUnsyncedAt !== null && now - health.oldestUnsyncedAt >= LONG_UNSYNCED_MS) problems.push('longUnsynced');
  if (health.quarantined > 0) problems.push('quarantined');
  // Read aloud is on and the tablet has no voice of the branch's locale: it stays silent rather than speak another language.
  if ((health.speechVoiceMissing?.length ?? 0) > 0) problems.push('voiceMissing');
  return problems;
}

/** A flag in a cell: the icon helps, the words carry it. */
const Flag = ({ text }: { text: string }) => (
  <span class="sub warn-text flag">
    <span aria-hidden="true">⚠ </span>
    {text}
  </span>
);

/**
 * Every enrolled tablet, now: its state, when it was last heard from and the health it
 * reported with its last sync (docs/architecture.md, "The sync protocol"); a lost or stolen one is revoked here,
 * which stops its sync at once. A tablet whose key is in use on another device too (decision
 * 0016) heads the page, with what was seen and the way out.
 */
export function Fleet({ me, branch, region }: PageProps) {
  const { api, now } = useDashboard();
  const { t, language } = useT();
  const query = branch ? { branchId: branch.id } : region ? { regionId: region.id } : {};
  const [load, retry] = useLoad(`fleet:${branch?.id ?? ''}:${region?.id ?? ''}`, () => api.fleet(query));
  const [revoking, setRevoking] = useState<FleetDevice | null>(null);
  const [editing, setEditing] = useState<FleetDevice | null>(null);
  const [replacing, setReplacing] = useState<FleetDevice | null>(null);
  const [replacement, setReplacement] = useState<{ replacement: TabletReplacement; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);
  const at = now();

  const nameOf = (device: FleetDevice) => deviceNameOf(device, t);
  const kindOf = (device: FleetDevice) => t(`dashboard.fleet.mode.${device.mode}`);
  const stateText = (device: FleetDevice) => t(`dashboard.fleetState.${device.state}`);
  const addressText = (address: string | null) => address ?? t('dashboard.fleet.unknown');

  const saved = (device: FleetDevice) => {
    setEditing(null);
    setDone(t('dashboard.tablets.saved', { device: nameOf(device) }));
    retry();
  };

  const made = (device: FleetDevice, made: TabletReplacement) => {
    setReplacing(null);
    setDone(null);
    setReplacement({ replacement: made, name: nameOf(device) });
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    setProblem(null);
    const result = await api.revokeDevice(revoking.id);
    setBusy(false);
    if (!result.ok) return setProblem(t(`dashboard.errors.${result.reason}`));
    setDone(t('dashboard.fleet.revoked', { device: nameOf(revoking) }));
    setRevoking(null);
    retry();
    // The button that opened the dialog is gone with the revoked state: the news takes the focus.
    setTimeout(() => doneLine.current?.focus(), 0);
  };

  const columns: (Column<FleetDevice> | null)[] = [
    {
      id: 'device',
      header: t('dashboard.column.device'),
      rowHeader: true,
      // Two lobby tablets share a name: the id tells them apart. Its last 8 characters, as on the
      // Privacy pages (the first 8 of a UUIDv7 are its time, the same for tablets enrolled in the
      // same minute); the whole id and the browser are in the title, for support, and in the CSV.
      cell: (d) => (
        <>
          {nameOf(d)}{' '}
          <span class="sub device-id" title={[d.id, d.label].filter(Boolean).join('\n')}>
            …{shortId(d.id)}
          </span>
          {d.placeLabel !== null && <span class="sub place-label">{d.placeLabel}</span>}
        </>
      ),
      sort: nameOf,
      csv: [
        { header: t('dashboard.column.device'), value: nameOf },
        { header: t('dashboard.column.deviceId'), value: (d: FleetDevice) => d.id },
        { header: t('dashboard.tablets.label'), value: (d: FleetDevice) => d.placeLabel ?? '' },
        { header: t('dashboard.column.browser'), value: (d: FleetDevice) => d.label ?? '' },
      ],
    },
    branch === null && me.branches.length > 1 ? { id: 'branch', header: t('dashboard.column.branch'), cell: (d) => d.branchName, sort: (d) => d.branchName, csv: (d) => d.branchName } : null,
    { id: 'kind', header: t('dashboard.column.deviceKind'), cell: kindOf, sort: kindOf, csv: kindOf },
    {
      id: 'state',
      header: t('dashboard.column.state'),
      cell: (d) => (
        <span class={`state state-${d.state}`}>
          <span aria-hidden="true">{STATE_ICON[d.state]} </span>
          {stateText(d)}
          {d.copySeen && <span class="sub">{t('dashboard.fleet.copySeen', { at: shortDateTime(d.copySeen.at, language), address: addressText(d.copySeen.address) })}</span>}
          {/* Records the server refused, kept aside on the tablet (its quarantine): someone must look. */}
          {healthProblemsOf(d, at).includes('quarantined') && <Flag text={t('dashboard.fleet.flag.quarantined', { count: d.health!.quarantined })} />}
          {healthProblemsOf(d, at).includes('voiceMissing') && <Flag text={t('dashboard.fleet.flag.voiceMissing', { voices: d.health!.speechVoiceMissing!.join(', ') })} />}
        </span>
      ),
      // A tablet with a problem of its own comes before others of its state.
      sort: (d) => STATE_ORDER[d.state] - (healthProblemsOf(d, at).length > 0 ? 0.5 : 0),
      csv: [
        { header: t('dashboard.column.state'), value: stateText },
        { header: t('dashboard.csv.problems'), value: (d: FleetDevice) => healthProblemsOf(d, at).map((p) => t(`dashboard.fleet.problem.${p}`)).join('; ') },
        { header: t('dashboard.column.quarantined'), value: (d: FleetDevice) => d.health?.quarantined },
        { header: t('dashboard.csv.copySeenAt'), value: (d: FleetDevice) => (d.copySeen ? dateTime(d.copySeen.at, language) : null) },
        { header: t('dashboard.csv.copySeenAddress'), value: (d: FleetDevice) => d.copySeen?.address ?? null },
      ],
    },
    {
      id: 'lastSeen',
      header: t('dashboard.column.lastSeen'),
      cell: (d) =>
        d.lastSeenAt === null ? (
          <span class="muted">{t('dashboard.fleet.never')}</span>
        ) : (
          <>
            <span class="nowrap">{relative(d.lastSeenAt, at, language)}</span>
            <span class="sub">
              <time dateTime={new Date(d.lastSeenAt).toISOString()}>{shortDateTime(d.lastSeenAt, language)}</time>
            </span>
            {d.lastAddress !== null && <span class="sub">{t('dashboard.fleet.fromAddress', { address: d.lastAddress })}</span>}
          </>
        ),
      sort: (d) => d.lastSeenAt,
      csv: [
        { header: t('dashboard.column.lastSeen'), value: (d: FleetDevice) => (d.lastSeenAt === null ? null : dateTime(d.lastSeenAt, language)) },
        { header: t('dashboard.csv.lastAddress'), value: (d: FleetDevice) => d.lastAddress },
      ],
    },
    { id: 'outbox', header: t('dashboard.column.outbox'), numeric: true, cell: (d) => (d.health ? count(d.health.outboxDepth, language) : '–'), sort: (d) => d.health?.outboxDepth ?? null, csv: (d) => d.health?.outboxDepth },
    {
      id: 'oldest',
      header: t('dashboard.column.oldestUnsynced'),
      cell: (d) => {
        const oldest = d.health?.oldestUnsyncedAt ?? null;
        if (oldest === null) return <span class="muted">{t('dashboard.fleet.none')}</span>;
        return (
          <>
            <time dateTime={new Date(oldest).toISOString()} title={dateTime(oldest, language)}>
              {relative(oldest, at, language)}
            </time>
            {healthProblemsOf(d, at).includes('longUnsynced') && <Flag text={t('dashboard.fleet.flag.longUnsynced')} />}
          </>
        );
      },
      sort: (d) => d.health?.oldestUnsyncedAt ?? null,
      csv: (d) => (d.health?.oldestUnsyncedAt ? dateTime(d.health.oldestUnsyncedAt, language) : null),
    },
    {
      id: 'storage',
      header: t('dashboard.column.storage'),
      cell: (d) => {
        const used = d.health?.storageUsed ?? null;
        const quota = d.health?.storageQuota ?? null;
        if (used === null) return <span class="muted">{t('dashboard.fleet.unknown')}</span>;
        return (
          <>
            <span class="nowrap">{quota === null ? bytes(used, language) : t('dashboard.fleet.storageOf', { used: bytes(used, language), quota: bytes(quota, language) })}</span>
            {healthProblemsOf(d, at).includes('storageFull') && <Flag text={t('dashboard.fleet.flag.storageFull')} />}
            {d.health?.storagePersisted === false && <Flag text={t('dashboard.fleet.notPersisted')} />}
          </>
        );
      },
      sort: (d) => d.health?.storageUsed ?? null,
      csv: [
        { header: t('dashboard.csv.storageUsed'), value: (d) => d.health?.storageUsed },
        { header: t('dashboard.csv.storageQuota'), value: (d) => d.health?.storageQuota },
      ],
    },
    { id: 'version', header: t('dashboard.column.appVersion'), cell: (d) => d.health?.appVersion ?? '–', sort: (d) => d.health?.appVersion ?? null, csv: (d) => d.health?.appVersion },
    {
      id: 'clock',
      header: t('dashboard.column.clockOffset'),
      numeric: true,
      cell: (d) => (d.health?.clockOffsetMs == null ? '–' : offset(d.health.clockOffsetMs, language)),
      sort: (d) => (d.health?.clockOffsetMs == null ? null : Math.abs(d.health.clockOffsetMs)),
      csv: (d) => d.health?.clockOffsetMs,
    },
    {
      id: 'actions',
      header: t('dashboard.column.actions'),
      cell: (d) =>
        d.state === 'revoked' ? (
          <span class="muted">{d.revokedAt === null ? '' : t('dashboard.fleet.revokedAt', { at: dateTime(d.revokedAt, language) })}</span>
        ) : (
          // Named with its device: a screen reader lists many "Revoke" buttons otherwise.
          // Quiet actions: a tablet's row is not an invitation to revoke it; the dialogs still ask.
          <span class="row-actions">
            <button type="button" class="quiet-action" aria-label={t('dashboard.tablets.editNamed', { device: nameOf(d) })} onClick={() => setEditing(d)}>
              {t('dashboard.tablets.edit')}
            </button>
            <button type="button" class="quiet-action" aria-label={t('dashboard.tablets.replaceNamed', { device: nameOf(d) })} onClick={() => setReplacing(d)}>
              {t('dashboard.tablets.replace')}
            </button>
            <button type="button" class="quiet-action" aria-label={t('dashboard.fleet.revokeNamed', { device: nameOf(d) })} onClick={() => { setProblem(null); setRevoking(d); }}>
              {t('dashboard.fleet.revoke')}
            </button>
          </span>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('dashboard.nav.fleet')} branch={branch} />
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {done}
      </p>
      {replacement && <ReplacementLink replacement={replacement.replacement} name={replacement.name} onDone={() => setReplacement(null)} />}
      <Loaded load={load} retry={retry}>
        {(report) => (
          <>
            <CopiedKeys devices={report.devices.filter((d) => d.state === 'copied')} nameOf={nameOf} kindOf={kindOf} addressText={addressText} />
            <DataTable
              title={t('dashboard.fleet.title')}
              detail={t('dashboard.fleet.detail')}
              rows={report.devices}
              columns={columns.filter((c): c is Column<FleetDevice> => c !== null)}
              rowKey={(d) => d.id}
              exportName={`fleet-${new Date(at).toISOString().slice(0, 10)}`}
              empty={t('dashboard.fleet.empty')}
              rowClass={(d) => `row-${d.state}`}
              // Trouble first: a copied key, silent, behind, never synced, expired; revoked last.
              initialSort={{ column: 'state', direction: 'ascending' }}
            />
          </>
        )}
      </Loaded>
      {editing && <EditTablet device={editing} name={nameOf(editing)} onSaved={saved} onCancel={() => setEditing(null)} />}
      {replacing && <ReplaceTablet device={replacing} name={nameOf(replacing)} place={nameOf(replacing)} onMade={(r) => made(replacing, r)} onCancel={() => setReplacing(null)} />}
      {revoking && (
        <ConfirmDialog
          title={t('dashboard.fleet.confirmTitle', { device: nameOf(revoking) })}
          confirmLabel={t('dashboard.fleet.confirm')}
          busy={busy}
          error={problem}
          onConfirm={() => void revoke()}
          onCancel={() => setRevoking(null)}
        >
          <p>{t('dashboard.fleet.confirmDetail', { device: nameOf(revoking), place: kindOf(revoking), branch: revoking.branchName })}</p>
          {(revoking.health?.outboxDepth ?? 0) > 0 && (
            <p class="warn-text">
              <span aria-hidden="true">⚠ </span>
              {t('dashboard.fleet.confirmUnsynced', { count: revoking.health!.outboxDepth })}
            </p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}

/**
 * The tablets whose key is held by another device as well (decision 0016): what the server
 * saw, and the way out. Above the table, so that it is read first; their rows head the table,
 * with the revoke button.
 */
function CopiedKeys({ devices, nameOf, kindOf, addressText }: {
  devices: FleetDevice[];
  nameOf: (d: FleetDevice) => string;
  kindOf: (d: FleetDevice) => string;
  addressText: (address: string | null) => string;
}) {
  const { t, language } = useT();
  if (devices.length === 0) return null;
  return (
    <section class="copied-keys" aria-labelledby="copied-keys-title" data-testid="copied-keys">
      <h2 id="copied-keys-title">
        <span aria-hidden="true">⚠ </span>
        {t('dashboard.fleet.copied.title', { count: devices.length })}
      </h2>
      <p>{t('dashboard.fleet.copied.detail')}</p>
      <ul>
        {devices.map((d) => (
          <li key={d.id}>
            <strong>{nameOf(d)}</strong> ({kindOf(d)}, {d.branchName}, <span class="nowrap" title={d.id}>{shortId(d.id)}</span>):{' '}
            {t('dashboard.fleet.copied.seen', { at: dateTime(d.copySeen!.at, language), address: addressText(d.copySeen!.address), lastAddress: addressText(d.lastAddress) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
