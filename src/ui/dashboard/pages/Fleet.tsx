import { deviceNameOf } from '../labels.ts';
import { useRef, useState } from 'preact/hooks';
import type { FleetDevice, FleetState } from '../../../domain/reports.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { bytes, count, dateTime, offset, relative, shortDateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

const STATE_ICON: Record<FleetState, string> = { ok: '✓', behind: '↻', silent: '⚠', never: '○', expired: '⌛', copied: '⚠', revoked: '⛔' };

/** The order of trouble: what needs looking at first. */
const STATE_ORDER: Record<FleetState, number> = { copied: 0, silent: 1, behind: 2, never: 3, expired: 4, ok: 5, revoked: 6 };

/**
 * Every enrolled tablet, now: its state, when it was last heard from and the health it
 * reported with its last sync (docs/architecture.md, "The sync protocol"); a lost or stolen one is revoked here,
 * which stops its sync at once. A tablet whose key is in use on another device too (decision
 * 0016) heads the page, with what was seen and the way out.
 */
export function Fleet({ me, branch }: PageProps) {
  const { api, now } = useDashboard();
  const { t, language } = useT();
  const query = branch ? { branchId: branch.id } : {};
  const [load, retry] = useLoad(`fleet:${branch?.id ?? ''}`, () => api.fleet(query));
  const [revoking, setRevoking] = useState<FleetDevice | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);
  const at = now();

  const nameOf = (device: FleetDevice) => deviceNameOf(device, t);
  const kindOf = (device: FleetDevice) => t(`dashboard.fleet.mode.${device.mode}`);
  const stateText = (device: FleetDevice) => t(`dashboard.fleetState.${device.state}`);
  const addressText = (address: string | null) => address ?? t('dashboard.fleet.unknown');

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
      // Two lobby tablets share a name: the id tells them apart, the browser is for support.
      cell: (d) => (
        <>
          {nameOf(d)}{' '}
          <span class="sub" title={d.label ?? undefined}>
            {d.id.slice(0, 8)}
          </span>
        </>
      ),
      sort: nameOf,
      csv: [
        { header: t('dashboard.column.device'), value: nameOf },
        { header: t('dashboard.column.deviceId'), value: (d: FleetDevice) => d.id },
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
        </span>
      ),
      sort: (d) => STATE_ORDER[d.state],
      csv: [
        { header: t('dashboard.column.state'), value: stateText },
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
        return oldest === null ? <span class="muted">{t('dashboard.fleet.none')}</span> : <time dateTime={new Date(oldest).toISOString()} title={dateTime(oldest, language)}>{relative(oldest, at, language)}</time>;
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
            {d.health?.storagePersisted === false && <span class="sub warn-text">{t('dashboard.fleet.notPersisted')}</span>}
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
          <button type="button" class="danger-quiet" aria-label={t('dashboard.fleet.revokeNamed', { device: nameOf(d) })} onClick={() => { setProblem(null); setRevoking(d); }}>
            {t('dashboard.fleet.revoke')}
          </button>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('dashboard.nav.fleet')} branch={branch} />
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {done}
      </p>
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
            <strong>{nameOf(d)}</strong> ({kindOf(d)}, {d.branchName}, <span class="nowrap">{d.id.slice(0, 8)}</span>):{' '}
            {t('dashboard.fleet.copied.seen', { at: dateTime(d.copySeen!.at, language), address: addressText(d.copySeen!.address), lastAddress: addressText(d.lastAddress) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
