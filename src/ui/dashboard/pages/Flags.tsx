import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { FlaggedRating, FlagsReport } from '../../../domain/queue.ts';
import type { Me } from '../../../domain/reports.ts';
import type { ConflictFailure, RatingExclusion } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { clockCorrected, evidenceText, ratingTime, secondOfDay } from '../flag-view.ts';
import { dateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** A reason must say something: the server's rule (domain/queue.ts ExclusionReasonSchema), checked here first. */
const REASON_MIN = 3;
const REASON_MAX = 500;

type Notice = { done: string | null; problem: string | null };
type Dialog = { act: 'exclude' | 'include'; rating: FlaggedRating } | null;

/**
 * Reports › Flags: ratings the server found unlikely to be a customer's (no ticket was being
 * served at the counter, a burst faster than customers can be served, a long run of one
 * score), each with what the server saw, in words. The branch's manager may keep one out of
 * the teller's assessment with a reason, or count it again; the rating itself stays in the
 * records either way, and every such change is audited.
 */
export function Flags({ me, branch, range, query }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad(query && `flags:${JSON.stringify(query)}`, () => api.flags(query!));
  const [notice, setNotice] = useState<Notice>({ done: null, problem: null });
  const doneLine = useRef<HTMLParagraphElement>(null);
  return (
    <>
      <PageHeader title={t('dashboard.nav.flags')} branch={branch} range={range} />
      <p class="page-intro">{t('dashboard.flags.intro')}</p>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error page-notice" role="alert">
        {notice.problem}
      </p>
      {query ? (
        <Loaded load={load} retry={reload}>
          {(report) => (
            <FlagList
              me={me}
              report={report}
              onDone={(message) => {
                setNotice({ done: message, problem: null });
                reload();
                setTimeout(() => doneLine.current?.focus(), 0);
              }}
              onProblem={(message) => {
                setNotice({ done: null, problem: message });
                reload();
              }}
            />
          )}
        </Loaded>
      ) : (
        <NoPeriod />
      )}
    </>
  );
}

/** The manager of the rating's branch may keep it out or count it again (the server checks it too). */
const mayExclude = (me: Me, rating: FlaggedRating): boolean => me.role === 'branch-manager' && me.branchId === rating.branchId;

/** Where a rating was: on its branch's clock. */
const zoneOf = (me: Me, rating: FlaggedRating, viewerZone: string): string => me.branches.find((b) => b.id === rating.branchId)?.timeZone ?? viewerZone;

function FlagList({ me, report, onDone, onProblem }: { me: Me; report: FlagsReport; onDone: (message: string) => void; onProblem: (message: string) => void }) {
  const { api, timeZone } = useDashboard();
  const { t } = useT();
  const [dialog, setDialog] = useState<Dialog>(null);
  const columns = useFlagColumns(me, setDialog);

  const failureText = (reason: ConflictFailure, act: 'exclude' | 'include') =>
    t(reason === 'conflict' ? `dashboard.flags.errors.conflict.${act}` : reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.flags.errors.${reason}` : `dashboard.errors.${reason}`);
  /**
   * What a dialog's act came to: a refusal stays in the dialog, for the manager to fix; done,
   * or done by someone else first (409), closes it, says so on the page and reads the list
   * again. Answers the dialog's error, or null.
   */
  const settle = (result: { ok: true; value: RatingExclusion } | { ok: false; reason: ConflictFailure }, act: 'exclude' | 'include'): string | null => {
    if (!result.ok && result.reason !== 'conflict') return failureText(result.reason, act);
    setDialog(null);
    if (result.ok) onDone(t(act === 'exclude' ? 'dashboard.flags.excludedDone' : 'dashboard.flags.includedDone'));
    else onProblem(failureText(result.reason, act));
    return null;
  };

  return (
    <>
      <DataTable
        title={t('dashboard.flags.title')}
        detail={t('dashboard.flags.detail')}
        rows={report.rows}
        columns={columns}
        rowKey={(row) => row.ratingId}
        exportName={`flags-${report.period.from}-${report.period.to}`}
        empty={t('dashboard.flags.empty')}
        rowClass={(row) => (row.excluded ? 'row-excluded' : undefined)}
      />
      {report.more && <p class="page-note">{t('dashboard.flags.more', { count: report.rows.length })}</p>}
      {dialog && (
        <ReasonDialog
          act={dialog.act}
          rating={dialog.rating}
          place={placeOf(dialog.rating, t)}
          zone={zoneOf(me, dialog.rating, timeZone)}
          onCancel={() => setDialog(null)}
          onSend={async (reason) =>
            settle(dialog.act === 'exclude' ? await api.excludeRating(dialog.rating.ratingId, reason) : await api.includeRating(dialog.rating.ratingId, reason), dialog.act)
          }
        />
      )}
    </>
  );
}

type T = ReturnType<typeof useT>['t'];

/** The teller by name, as the server read it with the flags; a rating from before tellers signed in has none. */
const tellerNameOf = (rating: FlaggedRating, t: T): string => rating.tellerName ?? t('dashboard.flags.noTeller');
/** "Window 1 · Lucía Romero": where and by whom, for a dialog and a button's name. */
const placeOf = (rating: FlaggedRating, t: T): string => `${rating.counterName} · ${tellerNameOf(rating, t)}`;

function useFlagColumns(me: Me, open: (dialog: Dialog) => void): Column<FlaggedRating>[] {
  const { t, language } = useT();
  const { timeZone: viewerZone } = useDashboard();
  const zone = (row: FlaggedRating) => zoneOf(me, row, viewerZone);
  const branchName = (row: FlaggedRating) => row.branchName;
  const kinds = (row: FlaggedRating) => row.kinds.map((kind) => t(`dashboard.flags.kind.${kind}`)).join('; ');
  const evidence = (row: FlaggedRating) => row.kinds.map((kind) => evidenceText(kind, row.evidence, t, language, zone(row))).join(' ');
  const withBranch = me.branches.length > 1;
  const actButton = (row: FlaggedRating) => {
    const act = row.excluded ? 'include' : 'exclude';
    const named = { time: secondOfDay(row.createdAt, language, zone(row)), place: placeOf(row, t) };
    return (
      <button type="button" class="secondary flag-action" aria-label={t(`dashboard.flags.${act}Named`, named)} onClick={() => open({ act, rating: row })}>
        {t(`dashboard.flags.${act}`)}
      </button>
    );
  };
  const columns: (Column<FlaggedRating> | null)[] = [
    {
      // The rating in one column (when, where, by whom, its score): the evidence beside it needs the width, and a portrait screen has little.
      id: 'rating',
      header: t('dashboard.flags.column.rating'),
      rowHeader: true,
      cell: (row) => (
        <span class="flag-rating">
          <span>{ratingTime(row.createdAt, language, zone(row))}</span>
          {clockCorrected(row) && <span class="sub">{t('dashboard.flags.corrected', { time: secondOfDay(row.correctedAt, language, zone(row)) })}</span>}
          {withBranch && <span class="flag-place">{branchName(row)}</span>}
          <span class="flag-place">{row.counterName}</span>
          <span class="sub">{tellerNameOf(row, t)}</span>
          <span class="flag-score">{t(`counter.score.${row.score}`)}</span>
        </span>
      ),
      sort: (row) => row.correctedAt,
      csv: [
        { header: t('dashboard.flags.column.when'), value: (row) => ratingTime(row.createdAt, language, zone(row)) },
        { header: t('dashboard.flags.csv.corrected'), value: (row) => (clockCorrected(row) ? ratingTime(row.correctedAt, language, zone(row)) : null) },
        ...(withBranch ? [{ header: t('dashboard.column.branch'), value: branchName }] : []),
        { header: t('dashboard.column.counter'), value: (row: FlaggedRating) => row.counterName },
        { header: t('dashboard.column.teller'), value: (row: FlaggedRating) => tellerNameOf(row, t) },
        { header: t('dashboard.column.staffNumber'), value: (row: FlaggedRating) => row.tellerStaffNumber },
        { header: t('dashboard.column.score'), value: (row: FlaggedRating) => t(`counter.score.${row.score}`) },
      ],
    },
    {
      id: 'flags',
      header: t('dashboard.flags.column.flags'),
      // A rating kept out stays listed after the rules stop flagging it (a ticket found later): said so.
      cell: (row) =>
        row.kinds.length === 0 ? (
          <span class="muted">{t('dashboard.flags.noLongerFlagged')}</span>
        ) : (
          <ul class="flag-list">
            {row.kinds.map((kind) => (
              <li key={kind}>
                <strong>{t(`dashboard.flags.kind.${kind}`)}</strong>
                <span class="flag-evidence">{evidenceText(kind, row.evidence, t, language, zone(row))}</span>
              </li>
            ))}
          </ul>
        ),
      sort: kinds,
      csv: [
        { header: t('dashboard.flags.column.flags'), value: kinds },
        { header: t('dashboard.flags.csv.evidence'), value: evidence },
      ],
    },
    {
      // Whether it counts, and the manager's button to change it, together.
      id: 'status',
      header: t('dashboard.flags.column.status'),
      cell: (row) => (
        <span class={row.excluded ? 'flag-status flag-excluded' : 'flag-status'}>
          {row.excluded ? (
            <>
              <strong>
                <span aria-hidden="true">⊘ </span>
                {t('dashboard.flags.excluded')}
              </strong>
              <span class="sub">{t('dashboard.flags.excludedBy', { by: row.excluded.by, time: dateTime(row.excluded.at, language, zone(row)) })}</span>
              <q class="flag-reason">{row.excluded.reason}</q>
            </>
          ) : (
            <span>{t('dashboard.flags.counted')}</span>
          )}
          {mayExclude(me, row) && actButton(row)}
        </span>
      ),
      sort: (row) => (row.excluded ? 1 : 0),
      csv: [
        { header: t('dashboard.flags.column.status'), value: (row) => t(row.excluded ? 'dashboard.flags.excluded' : 'dashboard.flags.counted') },
        { header: t('dashboard.flags.csv.by'), value: (row) => row.excluded?.by ?? null },
        { header: t('dashboard.flags.csv.at'), value: (row) => (row.excluded ? dateTime(row.excluded.at, language, zone(row)) : null) },
        { header: t('dashboard.flags.csv.reason'), value: (row) => row.excluded?.reason ?? null },
      ],
    },
  ];
  return columns.filter((c): c is Column<FlaggedRating> => c !== null);
}

/** Keeping a rating out, or counting it again: a reason is required, for the audit and the teller. */
function ReasonDialog({ act, rating, place, zone, onCancel, onSend }: {
  act: 'exclude' | 'include';
  rating: FlaggedRating;
  place: string;
  zone: string;
  onCancel: () => void;
  onSend: (reason: string) => Promise<string | null>;
}) {
  const { t, language } = useT();
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  // The dialog puts the focus on Cancel first (its own effect runs after ours): the reason is what to type.
  useEffect(() => {
    const timer = setTimeout(() => field.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, []);
  const send = async () => {
    if (reason.trim().length < REASON_MIN) {
      setProblem(t('dashboard.flags.errors.reasonShort', { min: REASON_MIN }));
      field.current?.focus();
      return;
    }
    setBusy(true);
    const failed = await onSend(reason.trim());
    setBusy(false);
    if (failed) setProblem(failed);
  };
  return (
    <ConfirmDialog
      title={t(act === 'exclude' ? 'dashboard.flags.excludeTitle' : 'dashboard.flags.includeTitle')}
      confirmLabel={t(act === 'exclude' ? 'dashboard.flags.excludeConfirm' : 'dashboard.flags.includeConfirm')}
      confirmClass="primary"
      busy={busy}
      error={problem}
      onConfirm={() => void send()}
      onCancel={onCancel}
    >
      <p>
        {ratingTime(rating.createdAt, language, zone)} · {place} · {t(`counter.score.${rating.score}`)}
      </p>
      <p class="muted">{t(act === 'exclude' ? 'dashboard.flags.excludeDetail' : 'dashboard.flags.includeDetail')}</p>
      <div class="field">
        <label for={id}>{t('dashboard.flags.reason')}</label>
        <textarea
          ref={field}
          id={id}
          rows={3}
          maxLength={REASON_MAX}
          required
          aria-required="true"
          aria-invalid={problem !== null && reason.trim().length < REASON_MIN}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
      </div>
    </ConfirmDialog>
  );
}
