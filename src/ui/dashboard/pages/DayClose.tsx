import { deviceNameOf } from '../labels.ts';
import { useId, useRef, useState } from 'preact/hooks';
import type { TFunction } from 'i18next';
import { closeGaps, type CloseState, type DayCloseDevice, type DayCloseStatus } from '../../../domain/day-close.ts';
import { OPINION_KINDS } from '../../../domain/opinion.ts';
import { SCORES } from '../../../domain/rating.ts';
import type { BranchRef, DayCloseReport, DayReport } from '../../../domain/reports.ts';
import { LocalDaySchema, type LocalDay } from '../../../domain/period.ts';
import * as v from 'valibot';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { csvShare } from '../components/figure-columns.tsx';
import { FigureCard } from '../components/figures.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ScoreBar, ScoreLegend } from '../components/ScoreBar.tsx';
import { count, dateTime, dayLabel, percent, relative } from '../format.ts';
import { useRouter } from '../router.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

const CLOSE_ICON: Record<CloseState, string> = { synced: '✓', waiting: '↻', 'not-heard': '⚠', never: '○' };

/**
 * The branch manager's day close (日終): where every tablet of the branch stands,
 * gaps first; the day report; and the confirmation, with every device synced or with the
 * gaps named and acknowledged. The report prints on its own, black on white.
 */
export function DayClose({ branch, today }: PageProps) {
  const { t } = useT();
  const { route, navigate } = useRouter();
  const dayId = useId();
  const day = route.day ?? today;
  return (
    <>
      <PageHeader title={t('dashboard.nav.day-close')} branch={branch}>
        {branch && (
          <span class="filter">
            <label for={dayId}>{t('dashboard.dayClose.day')}</label>
            <input id={dayId} type="date" value={day} max={today} onChange={(event) => {
              const next = event.currentTarget.value;
              if (v.is(LocalDaySchema, next)) navigate({ day: next === today ? null : next });
            }} />
          </span>
        )}
      </PageHeader>
      {branch ? <DayCloseOf branch={branch} day={day} key={`${branch.id}:${day}`} /> : <p class="empty">{t('dashboard.dayClose.pickBranch')}</p>}
    </>
  );
}

function DayCloseOf({ branch, day }: { branch: BranchRef; day: LocalDay }) {
  const { api } = useDashboard();
  const [load, retry] = useLoad(`day-close:${branch.id}:${day}`, () => api.dayClose({ branchId: branch.id, day }));
  // The confirmation answers with the close as stored: shown at once, no second request.
  const [confirmed, setConfirmed] = useState<DayCloseReport | null>(null);
  return (
    <Loaded load={load} retry={retry}>
      {(loaded) => {
        const report = confirmed ?? loaded;
        return (
          <>
            <CloseStatus report={report} onConfirmed={setConfirmed} />
            <DayReportView report={report.report} status={report.status} />
          </>
        );
      }}
    </Loaded>
  );
}

/** "3 records waiting", "not heard from since 14:05", "never synced": what a gap is. */
function gapText(device: DayCloseDevice, t: TFunction, language: string): string {
  switch (device.state) {
    case 'waiting':
      return t('dashboard.dayClose.gap.waiting', { count: device.outboxDepth ?? 0 });
    case 'not-heard':
      return device.lastSeenAt === null ? t('dashboard.dayClose.gap.never') : t('dashboard.dayClose.gap.not-heard', { at: dateTime(device.lastSeenAt, language) });
    case 'never':
      return t('dashboard.dayClose.gap.never');
    case 'synced':
      return t('dashboard.closeState.synced');
  }
}

function CloseStatus({ report, onConfirmed }: { report: DayCloseReport; onConfirmed: (report: DayCloseReport) => void }) {
  const { api, now } = useDashboard();
  const { t, language } = useT();
  const { status } = report;
  const gaps = closeGaps(status.devices);
  const [accept, setAccept] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { why: useId(), gaps: useId() };
  const stored = useRef<HTMLDivElement>(null);
  const at = now();
  const deviceName = (d: DayCloseDevice) => deviceNameOf(d, t);
  const blocked = gaps.length > 0 && !accept;

  const confirm = async () => {
    if (blocked || busy) return;
    setBusy(true);
    setProblem(null);
    const result = await api.confirmDayClose({ branchId: status.branchId, day: status.day, acceptGaps: gaps.length > 0 });
    setBusy(false);
    if (!result.ok) return setProblem(t(`dashboard.errors.${result.reason}`));
    onConfirmed(result.value);
    // The button is gone with the confirmation: the stored confirmation takes the focus.
    setTimeout(() => stored.current?.focus(), 0);
  };

  const columns: Column<DayCloseDevice>[] = [
    { id: 'device', header: t('dashboard.column.device'), rowHeader: true, cell: deviceName, sort: deviceName, csv: deviceName },
    {
      id: 'state',
      header: t('dashboard.column.state'),
      cell: (d) => (
        <span class={`state close-${d.state}`}>
          <span aria-hidden="true">{CLOSE_ICON[d.state]} </span>
          {t(`dashboard.closeState.${d.state}`)}
          {d.state !== 'synced' && <span class="sub">{gapText(d, t, language)}</span>}
        </span>
      ),
      sort: (d) => (d.state === 'synced' ? 1 : 0),
      csv: (d) => t(`dashboard.closeState.${d.state}`),
    },
    {
      id: 'lastSeen',
      header: t('dashboard.column.lastSeen'),
      cell: (d) => (d.lastSeenAt === null ? <span class="muted">{t('dashboard.fleet.never')}</span> : <>{relative(d.lastSeenAt, at, language)}<span class="sub">{dateTime(d.lastSeenAt, language)}</span></>),
      sort: (d) => d.lastSeenAt,
      csv: (d) => (d.lastSeenAt === null ? null : dateTime(d.lastSeenAt, language)),
    },
    { id: 'outbox', header: t('dashboard.column.outbox'), numeric: true, cell: (d) => (d.outboxDepth === null ? '–' : count(d.outboxDepth, language)), sort: (d) => d.outboxDepth, csv: (d) => d.outboxDepth },
    {
      id: 'oldest',
      header: t('dashboard.column.oldestUnsynced'),
      cell: (d) => (d.oldestUnsyncedAt === null ? <span class="muted">{t('dashboard.fleet.none')}</span> : dateTime(d.oldestUnsyncedAt, language)),
      sort: (d) => d.oldestUnsyncedAt,
      csv: (d) => (d.oldestUnsyncedAt === null ? null : dateTime(d.oldestUnsyncedAt, language)),
    },
    { id: 'quarantined', header: t('dashboard.column.quarantined'), numeric: true, cell: (d) => (d.quarantined === null ? '–' : count(d.quarantined, language)), sort: (d) => d.quarantined, csv: (d) => d.quarantined },
  ];
  // Gaps first: they are what the manager must look at before confirming.
  const devices = [...gaps, ...status.devices.filter((d) => d.state === 'synced')];

  return (
    <section class="close-status" aria-labelledby="close-status">
      <h2 id="close-status">{t('dashboard.dayClose.status')}</h2>
      <p>
        {status.startedAt === null || status.startedBy === null
          ? t('dashboard.dayClose.notStarted')
          : t(status.startedBy.attestation === 'server' ? 'dashboard.dayClose.startedChecked' : 'dashboard.dayClose.started', { at: dateTime(status.startedAt, language), name: status.startedBy.name })}
      </p>
      <DataTable
        title={t('dashboard.dayClose.devices')}
        detail={gaps.length === 0 ? t('dashboard.dayClose.allSynced') : t('dashboard.dayClose.gapCount', { count: gaps.length })}
        rows={devices}
        columns={columns}
        rowKey={(d) => d.id}
        exportName={`day-close-devices-${status.day}`}
        empty={t('dashboard.dayClose.noDevices')}
        rowClass={(d) => (d.state === 'synced' ? undefined : 'row-warn')}
        level={3}
      />
      {status.confirmation ? (
        <div ref={stored} class="confirmed" role="status" tabIndex={-1}>
          <p>
            <span aria-hidden="true">✓ </span>
            <strong>{t('dashboard.dayClose.confirmedBy', { name: status.confirmation.name, number: status.confirmation.staffNumber, at: dateTime(status.confirmation.at, language) })}</strong>
          </p>
          {status.confirmation.gaps.length === 0 ? (
            <p>{t('dashboard.dayClose.confirmedClean')}</p>
          ) : (
            <>
              <p>{t('dashboard.dayClose.confirmedGaps')}</p>
              <ul>
                {status.confirmation.gaps.map((d) => (
                  <li key={d.id}>
                    {deviceName(d)}: {gapText(d, t, language)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : (
        <div class="confirm-box">
          {gaps.length > 0 && (
            <label class="check-line">
              <input type="checkbox" checked={accept} onChange={(event) => setAccept(event.currentTarget.checked)} aria-describedby={ids.gaps} />
              <span>
                {t('dashboard.dayClose.acceptGaps')}
                <ul id={ids.gaps}>
                  {gaps.map((d) => (
                    <li key={d.id}>
                      {deviceName(d)}: {gapText(d, t, language)}
                    </li>
                  ))}
                </ul>
              </span>
            </label>
          )}
          <div class="confirm-line">
            {/* aria-disabled, not disabled: the button stays reachable, and its reason is read with it. */}
            <button type="button" class="primary" aria-disabled={blocked || busy} aria-describedby={ids.why} onClick={() => void confirm()}>
              {busy ? t('dashboard.dayClose.confirming') : t('dashboard.dayClose.confirm')}
            </button>
            <p id={ids.why} class={blocked ? 'why warn-text' : 'why'}>
              {gaps.length === 0 ? t('dashboard.dayClose.readyClean') : blocked ? t('dashboard.dayClose.blocked') : t('dashboard.dayClose.readyGaps')}
            </p>
          </div>
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function DayReportView({ report, status }: { report: DayReport; status: DayCloseStatus }) {
  const { print } = useDashboard();
  const { t, language } = useT();
  const deviceName = (d: DayCloseDevice) => deviceNameOf(d, t);
  const { confirmation } = status;
  const byCounter: Column<DayReport['byCounter'][number]>[] = [
    { id: 'name', header: t('dashboard.column.counter'), rowHeader: true, cell: (r) => r.name, sort: (r) => r.name, csv: (r) => r.name },
    { id: 'ratings', header: t('dashboard.column.ratings'), numeric: true, cell: (r) => count(r.ratings, language), sort: (r) => r.ratings, csv: (r) => r.ratings },
    { id: 'satisfaction', header: t('dashboard.figure.satisfaction'), numeric: true, cell: (r) => percent(r.satisfaction, language), sort: (r) => r.satisfaction, csv: (r) => csvShare(r.satisfaction) },
    { id: 'scores', header: t('dashboard.column.scores'), cell: (r) => <ScoreBar scores={r.scores} />, csv: SCORES.map((score) => ({ header: t(`counter.score.${score}`), value: (r: DayReport['byCounter'][number]) => r.scores[score] })) },
  ];
  const byTeller: Column<DayReport['byTeller'][number]>[] = [
    {
      id: 'name',
      header: t('dashboard.column.teller'),
      rowHeader: true,
      cell: (r) => (
        <>
          {r.name}
          {r.staffNumber && <span class="sub">{t('teller.staffNumber', { number: r.staffNumber })}</span>}
        </>
      ),
      sort: (r) => r.name,
      csv: [
        { header: t('dashboard.column.teller'), value: (r) => r.name },
        { header: t('dashboard.column.staffNumber'), value: (r) => r.staffNumber },
      ],
    },
    { id: 'ratings', header: t('dashboard.column.ratings'), numeric: true, cell: (r) => count(r.ratings, language), sort: (r) => r.ratings, csv: (r) => r.ratings },
    { id: 'satisfaction', header: t('dashboard.figure.satisfaction'), numeric: true, cell: (r) => percent(r.satisfaction, language), sort: (r) => r.satisfaction, csv: (r) => csvShare(r.satisfaction) },
    { id: 'scores', header: t('dashboard.column.scores'), cell: (r) => <ScoreBar scores={r.scores} />, csv: SCORES.map((score) => ({ header: t(`counter.score.${score}`), value: (r: DayReport['byTeller'][number]) => r.scores[score] })) },
  ];
  const activity = [
    ...OPINION_KINDS.map((kind) => ({ id: `opinion-${kind}`, label: t('dashboard.dayReport.opinion', { kind: t(`dashboard.opinionKind.${kind}`) }), value: report.opinions[kind] })),
    ...(['opened', 'replied', 'overdue', 'signedOff'] as const).map((field) => ({ id: `case-${field}`, label: t(`dashboard.dayReport.cases.${field}`), value: report.cases[field] })),
  ];
  const activityColumns: Column<(typeof activity)[number]>[] = [
    { id: 'what', header: t('dashboard.column.what'), rowHeader: true, cell: (r) => r.label, csv: (r) => r.label },
    { id: 'count', header: t('dashboard.column.count'), numeric: true, cell: (r) => count(r.value, language), csv: (r) => r.value },
  ];
  return (
    <section class="print-report" aria-labelledby="day-report">
      <div class="page-header">
        <div>
          <p class="print-only">{t('app.name')}</p>
          <h2 id="day-report">{t('dashboard.dayReport.title', { branch: report.branch.name, day: dayLabel(report.day, language) })}</h2>
        </div>
        <button type="button" class="secondary no-print" onClick={print}>
          {t('dashboard.dayReport.print')}
        </button>
      </div>
      {/* On paper the report says whether, by whom and with which gaps the day was closed. */}
      <p class="report-close">
        {confirmation
          ? [
              t('dashboard.dayClose.confirmedBy', { name: confirmation.name, number: confirmation.staffNumber, at: dateTime(confirmation.at, language) }),
              confirmation.gaps.length === 0 ? t('dashboard.dayClose.confirmedClean') : `${t('dashboard.dayClose.confirmedGaps')} ${confirmation.gaps.map((d) => `${deviceName(d)}: ${gapText(d, t, language)}`).join('; ')}`,
            ].join(' ')
          : t('dashboard.dayReport.notConfirmed')}
      </p>
      <div class="figure-grid">
        {report.figures.map((figure) => (
          <FigureCard key={figure.id} figure={figure} scores={report.scores} />
        ))}
      </div>
      <DataTable title={t('dashboard.dayReport.byCounter')} detail={<ScoreLegend />} rows={report.byCounter} columns={byCounter} rowKey={(r) => r.id} exportName={`day-report-counters-${report.day}`} empty={t('dashboard.dayReport.noRatings')} level={3} />
      <DataTable title={t('dashboard.dayReport.byTeller')} rows={report.byTeller} columns={byTeller} rowKey={(r) => r.id} exportName={`day-report-tellers-${report.day}`} empty={t('dashboard.dayReport.noRatings')} level={3} />
      <DataTable title={t('dashboard.dayReport.activity')} rows={activity} columns={activityColumns} rowKey={(r) => r.id} exportName={`day-report-activity-${report.day}`} empty="" level={3} />
    </section>
  );
}
