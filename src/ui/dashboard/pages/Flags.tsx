import type { ComponentChild } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import type { FlagKind, FlaggedRating, FlagsReport } from '../../../domain/queue.ts';
import { timeOfDay } from '../alert-view.ts';
import type { Me } from '../../../domain/reports.ts';
import type { ConflictFailure, RatingExclusion } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { clockCorrected, evidenceText, groupFlags, ratingTime, secondOfDay, type FlagGroup } from '../flag-view.ts';
import { dateTime } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** A reason must say something: the server's rule (domain/queue.ts ExclusionReasonSchema), checked here first. */
const REASON_MIN = 3;
const REASON_MAX = 500;

type Notice = { done: string | null; problem: string | null };
type Act = 'exclude' | 'include';
type Dialog = { act: Act; rating: FlaggedRating } | { act: Act; group: FlagGroup } | null;

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
  const { t, language } = useT();
  const [dialog, setDialog] = useState<Dialog>(null);
  const parts = useFlagParts(me, setDialog);
  const columns = useFlagColumns(me, parts);
  const { groups, singles } = useMemo(() => groupFlags(report.rows), [report.rows]);

  const failureText = (reason: ConflictFailure, act: Act) =>
    t(reason === 'conflict' ? `dashboard.flags.errors.conflict.${act}` : reason === 'forbidden' || reason === 'bad-request' || reason === 'not-found' ? `dashboard.flags.errors.${reason}` : `dashboard.errors.${reason}`);
  /**
   * What a dialog's act came to: a refusal stays in the dialog, for the manager to fix; done,
   * or done by someone else first (409), closes it, says so on the page and reads the list
   * again. Answers the dialog's error, or null.
   */
  const settle = (result: { ok: true; value: RatingExclusion } | { ok: false; reason: ConflictFailure }, act: Act): string | null => {
    if (!result.ok && result.reason !== 'conflict') return failureText(result.reason, act);
    setDialog(null);
    if (result.ok) onDone(t(act === 'exclude' ? 'dashboard.flags.excludedDone' : 'dashboard.flags.includedDone'));
    else onProblem(failureText(result.reason, act));
    return null;
  };
  const actOn = (rating: FlaggedRating, act: Act, reason: string) => (act === 'exclude' ? api.excludeRating(rating.ratingId, reason) : api.includeRating(rating.ratingId, reason));
  /**
   * A group's act: each of its ratings not yet so, one after another, with the one reason. One
   * done by someone else first (409) is as wanted; any other refusal stops there, and the page
   * says how many were done and what failed, and reads the list again.
   */
  const settleAll = async (group: FlagGroup, act: Act, reason: string): Promise<string | null> => {
    const todo = group.rows.filter((row) => (act === 'exclude' ? !row.excluded : row.excluded));
    let done = 0;
    for (const row of todo) {
      const result = await actOn(row, act, reason);
      if (result.ok) done += 1;
      else if (result.reason !== 'conflict') {
        setDialog(null);
        onProblem(t(`dashboard.flags.${act}AllStopped`, { done, count: todo.length, problem: failureText(result.reason, act) }));
        return null;
      }
    }
    setDialog(null);
    onDone(t(act === 'exclude' ? 'dashboard.flags.excludedAllDone' : 'dashboard.flags.includedAllDone', { count: done }));
    return null;
  };

  return (
    <>
      {groups.length > 0 && (
        <section class="flag-groups" aria-labelledby="flag-groups-title">
          <h2 id="flag-groups-title">{t('dashboard.flags.groupsTitle')}</h2>
          <p class="table-detail">{t('dashboard.flags.groupsDetail')}</p>
          <ul class="flag-group-list">
            {groups.map((group) => (
              <GroupEntry key={group.key} me={me} group={group} parts={parts} />
            ))}
          </ul>
        </section>
      )}
      <DataTable
        title={t('dashboard.flags.title')}
        detail={t(groups.length > 0 ? 'dashboard.flags.detailWithGroups' : 'dashboard.flags.detail')}
        rows={singles}
        exportRows={groups.length > 0 ? report.rows : undefined}
        columns={columns}
        rowKey={(row) => row.ratingId}
        exportName={`flags-${report.period.from}-${report.period.to}`}
        empty={report.rows.length > 0 ? t('dashboard.flags.allGrouped') : t('dashboard.flags.empty')}
        rowClass={(row) => (row.excluded ? 'row-excluded' : undefined)}
      />
      {report.more && <p class="page-note">{t('dashboard.flags.more', { count: report.rows.length })}</p>}
      {dialog && 'rating' in dialog && (
        <ReasonDialog
          title={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeTitle' : 'dashboard.flags.includeTitle')}
          confirmLabel={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeConfirm' : 'dashboard.flags.includeConfirm')}
          detail={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeDetail' : 'dashboard.flags.includeDetail')}
          summary={`${ratingTime(dialog.rating.createdAt, language, zoneOf(me, dialog.rating, timeZone))} · ${placeOf(dialog.rating, t)} · ${t(`counter.score.${dialog.rating.score}`)}`}
          onCancel={() => setDialog(null)}
          onSend={async (reason) => settle(await actOn(dialog.rating, dialog.act, reason), dialog.act)}
        />
      )}
      {dialog && 'group' in dialog && (
        <ReasonDialog
          title={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeAllTitle' : 'dashboard.flags.includeAllTitle', { count: dialog.group.rows.length })}
          confirmLabel={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeAllConfirm' : 'dashboard.flags.includeAllConfirm')}
          detail={t(dialog.act === 'exclude' ? 'dashboard.flags.excludeAllDetail' : 'dashboard.flags.includeAllDetail')}
          summary={`${groupPlace(dialog.group, me)} · ${evidenceText(dialog.group.kind, dialog.group.rows[0]!.evidence, t, language, zoneOf(me, dialog.group.rows[0]!, timeZone))}`}
          onCancel={() => setDialog(null)}
          onSend={(reason) => settleAll(dialog.group, dialog.act, reason)}
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

/** "Harbour Road · Window 2", or the counter alone when the reader sees one branch: where a burst or run was. */
const groupPlace = (group: FlagGroup, me: Me): string => {
  const first = group.rows[0]!;
  return me.branches.length > 1 ? `${first.branchName} · ${first.counterName}` : first.counterName;
};

/** What a flagged rating's table row and its line in a group both show. */
interface FlagParts {
  zone: (row: FlaggedRating) => string;
  /** The manager's button: keep it out, or count it again, named for a screen reader by time and place. */
  actButton: (row: FlaggedRating) => ComponentChild;
  /** Counted, or kept out by whom, when and why; with the button for the branch's manager. */
  status: (row: FlaggedRating) => ComponentChild;
  /** The kinds as a list, each with its evidence in words; without the one a group said already. */
  flagList: (row: FlaggedRating, except?: FlagKind) => ComponentChild;
  open: (dialog: Dialog) => void;
}

function useFlagParts(me: Me, open: (dialog: Dialog) => void): FlagParts {
  const { t, language } = useT();
  const { timeZone: viewerZone } = useDashboard();
  const zone = (row: FlaggedRating) => zoneOf(me, row, viewerZone);
  const actButton = (row: FlaggedRating) => {
    const act = row.excluded ? 'include' : 'exclude';
    const named = { time: secondOfDay(row.createdAt, language, zone(row)), place: placeOf(row, t) };
    return (
      <button type="button" class="secondary flag-action" aria-label={t(`dashboard.flags.${act}Named`, named)} onClick={() => open({ act, rating: row })}>
        {t(`dashboard.flags.${act}`)}
      </button>
    );
  };
  const status = (row: FlaggedRating) => (
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
  );
  const flagList = (row: FlaggedRating, except?: FlagKind) => {
    const kinds = row.kinds.filter((kind) => kind !== except);
    // A rating kept out stays listed after the rules stop flagging it (a ticket found later): said so.
    if (row.kinds.length === 0) return <span class="muted">{t('dashboard.flags.noLongerFlagged')}</span>;
    if (kinds.length === 0) return null;
    return (
      <ul class="flag-list">
        {kinds.map((kind) => (
          <li key={kind}>
            <strong>{t(`dashboard.flags.kind.${kind}`)}</strong>
            <span class="flag-evidence">{evidenceText(kind, row.evidence, t, language, zone(row))}</span>
          </li>
        ))}
      </ul>
    );
  };
  return { zone, actButton, status, flagList, open };
}

/**
 * A burst or a run at one counter: what the server saw, once; how many ratings and how many
 * are kept out; the manager's one decision for all of them; and, on request, each rating with
 * its own button and whatever else flagged it (no ticket being served).
 */
function GroupEntry({ me, group, parts }: { me: Me; group: FlagGroup; parts: FlagParts }) {
  const { t, language } = useT();
  const first = group.rows[0]!;
  const zone = parts.zone(first);
  const count = group.rows.length;
  const kept = group.rows.filter((row) => row.excluded).length;
  const act: Act = kept === count ? 'include' : 'exclude';
  const kind = t(`dashboard.flags.kind.${group.kind}`);
  const place = groupPlace(group, me);
  const named = { kind: kind.toLocaleLowerCase(language), place, from: timeOfDay(group.firstAt, language, zone), to: timeOfDay(group.lastAt, language, zone) };
  return (
    <li class={kept === count ? 'flag-group flag-group-excluded' : 'flag-group'}>
      <h3>
        {kind} · {place}
      </h3>
      <p class="flag-evidence">{evidenceText(group.kind, first.evidence, t, language, zone)}</p>
      <p class="flag-group-count">
        <strong>{t('dashboard.flags.groupRatings', { count })}</strong>
        {' · '}
        <span class={kept > 0 ? 'flag-excluded' : undefined}>
          {kept > 0 && <span aria-hidden="true">⊘ </span>}
          {t('dashboard.flags.groupKept', { kept, count })}
        </span>
      </p>
      {mayExclude(me, first) && (
        <button type="button" class="secondary flag-action" onClick={() => parts.open({ act, group })}>
          {t(`dashboard.flags.${act}All`, { count })}
          <span class="visually-hidden">{t('dashboard.flags.groupNamed', named)}</span>
        </button>
      )}
      <details class="flag-group-ratings">
        <summary>{t('dashboard.flags.groupShow', { count })}</summary>
        <ul>
          {group.rows.map((row) => (
            <li key={row.ratingId} class={row.excluded ? 'flag-member flag-member-excluded' : 'flag-member'}>
              <span class="flag-rating">
                <strong>{secondOfDay(row.createdAt, language, parts.zone(row))}</strong>
                {clockCorrected(row) && <span class="sub">{t('dashboard.flags.corrected', { time: secondOfDay(row.correctedAt, language, parts.zone(row)) })}</span>}
                <span class="sub">{tellerNameOf(row, t)}</span>
                <span class="flag-score">{t(`counter.score.${row.score}`)}</span>
              </span>
              {parts.flagList(row, group.kind)}
              {parts.status(row)}
            </li>
          ))}
        </ul>
      </details>
    </li>
  );
}

function useFlagColumns(me: Me, parts: FlagParts): Column<FlaggedRating>[] {
  const { t, language } = useT();
  const { zone, status, flagList } = parts;
  const branchName = (row: FlaggedRating) => row.branchName;
  const kinds = (row: FlaggedRating) => row.kinds.map((kind) => t(`dashboard.flags.kind.${kind}`)).join('; ');
  const evidence = (row: FlaggedRating) => row.kinds.map((kind) => evidenceText(kind, row.evidence, t, language, zone(row))).join(' ');
  const withBranch = me.branches.length > 1;
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
      cell: (row) => flagList(row),
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
      cell: status,
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
function ReasonDialog({ title, confirmLabel, detail, summary, onCancel, onSend }: {
  title: string;
  confirmLabel: string;
  detail: string;
  /** What it is about, in a line: a rating's time, place and score; a burst's evidence. */
  summary: string;
  onCancel: () => void;
  onSend: (reason: string) => Promise<string | null>;
}) {
  const { t } = useT();
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
      title={title}
      confirmLabel={confirmLabel}
      confirmClass="primary"
      busy={busy}
      error={problem}
      onConfirm={() => void send()}
      onCancel={onCancel}
    >
      <p>{summary}</p>
      <p class="muted">{detail}</p>
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
