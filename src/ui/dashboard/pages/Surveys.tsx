import { useRef, useState } from 'preact/hooks';
import type { SurveySummary } from '../../../domain/manage-surveys.ts';
import { localDayOf, type LocalDay } from '../../../domain/period.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import type { SurveySchedule } from '../../../domain/survey.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { count, dayLabel, rangeLabel } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';
import { SurveyCards } from './SurveyCards.tsx';
import { SurveyEditor } from './SurveyEditor.tsx';

/** Where a survey is in its days. */
export type SurveyState = 'running' | 'scheduled' | 'ended';

/**
 * Each branch starts and stops a survey on its own calendar: it has ended once its last day is
 * over in every branch it names (as the server ends it), it is scheduled while its first day
 * has come in none, and it runs in between. `today`: the viewer's, when no branch is known.
 */
export function stateOf(schedule: SurveySchedule, branches: readonly BranchRef[], now: number, today: LocalDay): SurveyState {
  const named = schedule.branchIds === null ? branches : branches.filter((b) => schedule.branchIds!.includes(b.id));
  const todays = named.length === 0 ? [today] : named.map((b) => localDayOf(now, b.timeZone));
  const earliest = todays.reduce((a, b) => (b < a ? b : a));
  const latest = todays.reduce((a, b) => (b > a ? b : a));
  return schedule.endsOn < earliest ? 'ended' : schedule.startsOn > latest ? 'scheduled' : 'running';
}

/**
 * Manage › Surveys (src/server/routes/manage-surveys.ts), head office's: the network's
 * questionnaires with where each is in its days, its channels and branches, its version and
 * the answers it has had; a new one written, one edited (a changed wording is a new version,
 * said before it is saved), one ended after a question; and printed cards with QR codes for a
 * counter, for the customer's own phone.
 */
export function Surveys({ me, today }: PageProps) {
  const { api, now } = useDashboard();
  const { t } = useT();
  const [load, reload] = useLoad('surveys', () => api.surveys());
  const [editing, setEditing] = useState<{ survey: SurveySummary | null } | null>(null);
  const [ending, setEnding] = useState<SurveySummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<{ done: string | null; problem: string | null }>({ done: null, problem: null });
  const [askCards, setAskCards] = useState<{ branchId: string | null; at: number } | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const done = (message: string) => {
    reload();
    setNotice({ done: message, problem: null });
    setTimeout(() => doneLine.current?.focus(), 0);
  };

  const end = async (survey: SurveySummary) => {
    if (busy) return;
    setBusy(true);
    const result = await api.endSurvey(survey.id);
    setBusy(false);
    setEnding(null);
    if (!result.ok) {
      const own = result.reason === 'forbidden' || result.reason === 'not-found' || result.reason === 'bad-request';
      setNotice({ done: null, problem: t(own ? `dashboard.surveys.errors.${result.reason}` : `dashboard.errors.${result.reason}`) });
      return;
    }
    if (editing?.survey?.id === survey.id) setEditing(null);
    done(t('dashboard.surveys.ended', { name: survey.name }));
  };

  return (
    <>
      <PageHeader title={t('dashboard.nav.surveys')}>
        <button ref={newButton} type="button" class="primary ms-new no-print" disabled={editing !== null} onClick={() => setEditing({ survey: null })}>
          {t('dashboard.surveys.new')}
        </button>
      </PageHeader>
      <p class="page-intro no-print">{t('dashboard.surveys.intro')}</p>
      <p ref={doneLine} class="done" role="status" tabIndex={-1}>
        {notice.done}
      </p>
      <p class="error page-notice" role="alert">
        {notice.problem}
      </p>
      <Loaded load={load} retry={reload}>
        {({ surveys }) => (
          <div class="ms-page">
            <div class="no-print">
              <SurveyList
                surveys={surveys}
                branches={me.branches}
                today={today}
                busy={busy || editing !== null}
                onEdit={(survey) => setEditing({ survey })}
                onEnd={setEnding}
                onCards={(survey) => setAskCards((asked) => ({ branchId: survey.schedule.branchIds?.[0] ?? null, at: (asked?.at ?? 0) + 1 }))}
              />
              {editing && (
                <SurveyEditor
                  key={editing.survey?.id ?? 'new'}
                  survey={editing.survey}
                  branches={me.branches}
                  today={today}
                  onSaved={(_, message) => {
                    setEditing(null);
                    done(message);
                  }}
                  onCancel={() => {
                    setEditing(null);
                    setTimeout(() => newButton.current?.focus(), 0);
                  }}
                />
              )}
            </div>
            <SurveyCards branches={me.branches} phoneRunning={surveys.some((s) => s.schedule.channels.includes('phone') && stateOf(s.schedule, me.branches, now(), today) !== 'ended')} ask={askCards} />
          </div>
        )}
      </Loaded>
      {ending && (
        <ConfirmDialog
          title={t('dashboard.surveys.endTitle', { name: ending.name })}
          confirmLabel={t('dashboard.surveys.end')}
          busy={busy}
          onCancel={() => setEnding(null)}
          onConfirm={() => void end(ending)}
        >
          <p>{t('dashboard.surveys.endDetail')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function SurveyList({ surveys, branches, today, busy, onEdit, onEnd, onCards }: {
  surveys: SurveySummary[];
  branches: BranchRef[];
  today: LocalDay;
  busy: boolean;
  onEdit: (survey: SurveySummary) => void;
  onEnd: (survey: SurveySummary) => void;
  onCards: (survey: SurveySummary) => void;
}) {
  const { t, language } = useT();
  const { now } = useDashboard();
  const at = now();
  const state = (s: SurveySummary): SurveyState => stateOf(s.schedule, branches, at, today);
  const stateText = (s: SurveySummary): string => {
    const { startsOn, endsOn } = s.schedule;
    return t(`dashboard.surveys.state.${state(s)}`, { from: dayLabel(startsOn, language), to: dayLabel(endsOn, language) });
  };
  const channelsText = (s: SurveySummary) => s.schedule.channels.map((c) => t(`dashboard.surveys.channel.${c}`)).join(', ');
  const branchNames = (s: SurveySummary) => (s.schedule.branchIds ?? []).map((id) => branches.find((b) => b.id === id)?.name ?? t('dashboard.surveys.unknownBranch')).join(', ');
  const branchesText = (s: SurveySummary) => (s.schedule.branchIds === null ? t('dashboard.surveys.allBranches') : t('dashboard.surveys.someBranches', { count: s.schedule.branchIds.length }));
  const columns: Column<SurveySummary>[] = [
    {
      id: 'name',
      header: t('dashboard.surveys.column.name'),
      rowHeader: true,
      cell: (s) => (
        <>
          {s.name}
          <span class="sub" lang={language}>
            {s.questionnaire.title[language as keyof typeof s.questionnaire.title] ?? s.questionnaire.title.en}
          </span>
        </>
      ),
      sort: (s) => s.name,
      csv: (s) => s.name,
    },
    {
      id: 'state',
      header: t('dashboard.surveys.column.state'),
      cell: (s) => (
        <>
          <strong class={`ms-state ms-${state(s)}`}>{stateText(s)}</strong>
          <span class="sub">{rangeLabel(s.schedule.startsOn, s.schedule.endsOn, language)}</span>
        </>
      ),
      sort: (s) => s.schedule.startsOn,
      csv: [
        { header: t('dashboard.surveys.column.state'), value: (s) => t(`dashboard.surveys.stateWord.${state(s)}`) },
        { header: t('dashboard.surveys.column.startsOn'), value: (s) => s.schedule.startsOn },
        { header: t('dashboard.surveys.column.endsOn'), value: (s) => s.schedule.endsOn },
      ],
    },
    {
      // Where it runs in one column, the channels over the branches: one column fewer on a narrow screen.
      id: 'where',
      header: t('dashboard.surveys.column.where'),
      cell: (s) => (
        <>
          {channelsText(s)}
          <span class="sub">{s.schedule.branchIds === null ? branchesText(s) : `${branchesText(s)}: ${branchNames(s)}`}</span>
        </>
      ),
      csv: [
        { header: t('dashboard.surveys.column.channels'), value: channelsText },
        { header: t('dashboard.surveys.column.branches'), value: (s) => (s.schedule.branchIds === null ? branchesText(s) : branchNames(s)) },
      ],
    },
    { id: 'version', header: t('dashboard.surveys.column.version'), numeric: true, cell: (s) => count(s.currentVersion, language), sort: (s) => s.currentVersion, csv: (s) => s.currentVersion },
    { id: 'responses', header: t('dashboard.surveys.column.responses'), numeric: true, cell: (s) => count(s.responses, language), sort: (s) => s.responses, csv: (s) => s.responses },
    {
      id: 'actions',
      header: t('dashboard.surveys.column.actions'),
      cell: (s) => {
        const ended = state(s) === 'ended';
        return (
          <span class="ms-row-actions">
            <button type="button" class="secondary" disabled={busy} aria-label={t('dashboard.surveys.editNamed', { name: s.name })} onClick={() => onEdit(s)}>
              {t('dashboard.surveys.edit')}
            </button>
            {!ended && s.schedule.channels.includes('phone') && (
              <button type="button" class="secondary" aria-label={t('dashboard.surveys.cardsNamed', { name: s.name })} onClick={() => onCards(s)}>
                {t('dashboard.surveys.cardsButton')}
              </button>
            )}
            {!ended && (
              <button type="button" class="danger-quiet" disabled={busy} aria-label={t('dashboard.surveys.endNamed', { name: s.name })} onClick={() => onEnd(s)}>
                {t('dashboard.surveys.end')}
              </button>
            )}
          </span>
        );
      },
    },
  ];
  return (
    <DataTable
      title={t('dashboard.surveys.list')}
      rows={surveys}
      columns={columns}
      rowKey={(s) => s.id}
      exportName="surveys"
      empty={t('dashboard.surveys.empty')}
      rowClass={(s) => (state(s) === 'ended' ? 'row-revoked' : undefined)}
    />
  );
}
