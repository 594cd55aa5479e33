import { useId, useState } from 'preact/hooks';
import type { Language } from '../../../domain/language.ts';
import { SURVEY_CHANNELS, type LocalizedText, type SurveyChannel } from '../../../domain/survey.ts';
import {
  MAX_SURVEY_COMMENTS,
  type ChoiceResult,
  type FacesResult,
  type QuestionResult,
  type RecommendResult,
  type SurveyBranchRow,
  type SurveyChannelRow,
  type SurveyComment,
  type SurveyResults as Results,
  type SurveysReport,
  type TextResult,
} from '../../../domain/survey-reports.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { ScoreBar, ScoreLegend } from '../components/ScoreBar.tsx';
import { count, dayLabel, NO_VALUE, percent } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/**
 * Reports › Survey results: what customers answered to one of head office's surveys over the
 * header's period and branches, on one channel or both (domain/survey-reports.ts). Each
 * question as a card (shares, the recommend score, comments), then each branch's figures
 * beside its counter-rating satisfaction in the same days, so the two can be compared.
 */
export function SurveyResults({ branch, range, query }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [survey, setSurvey] = useState<string | null>(null);
  const [channel, setChannel] = useState<SurveyChannel | null>(null);
  const [load, retry] = useLoad(query && `survey-results:${JSON.stringify({ query, survey, channel })}`, () => api.surveyResults(query!, survey, channel));
  return (
    <>
      <PageHeader title={t('dashboard.nav.survey-results')} branch={branch} range={range} />
      <p class="page-intro">{t('dashboard.surveyResults.intro')}</p>
      {query ? (
        <Loaded load={load} retry={retry}>
          {(report) =>
            report.survey ? (
              <>
                <Pickers report={report} channel={channel} onSurvey={setSurvey} onChannel={setChannel} />
                <ResultsView results={report.survey} />
              </>
            ) : (
              <p class="empty">{t('dashboard.surveyResults.noSurveys')}</p>
            )
          }
        </Loaded>
      ) : (
        <NoPeriod />
      )}
    </>
  );
}

/** The survey and the channel: the page's own choices beside the header's period and branches. */
function Pickers({ report, channel, onSurvey, onChannel }: { report: SurveysReport; channel: SurveyChannel | null; onSurvey: (id: string) => void; onChannel: (channel: SurveyChannel | null) => void }) {
  const { t, language } = useT();
  const ids = { survey: useId(), channel: useId() };
  return (
    <div class="survey-pickers">
      <span class="filter">
        <label for={ids.survey}>{t('dashboard.surveyResults.survey')}</label>
        <select id={ids.survey} value={report.survey?.id ?? ''} onChange={(event) => onSurvey(event.currentTarget.value)}>
          {report.surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({t('dashboard.surveyResults.days', { from: dayLabel(s.startsOn, language), to: dayLabel(s.endsOn, language) })})
            </option>
          ))}
        </select>
      </span>
      <span class="filter">
        <label for={ids.channel}>{t('dashboard.surveyResults.channel')}</label>
        <select id={ids.channel} value={channel ?? ''} onChange={(event) => onChannel((event.currentTarget.value || null) as SurveyChannel | null)}>
          <option value="">{t('dashboard.surveyResults.bothChannels')}</option>
          {SURVEY_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`dashboard.surveyResults.channels.${c}`)}
            </option>
          ))}
        </select>
      </span>
    </div>
  );
}

/** A text in the reader's language (every survey text is in all four). */
const inLanguage = (text: LocalizedText, language: string): string => text[language as Language] ?? text.en;

/** The recommend score as a whole number with its sign: +40, −20, 0. */
const scoreText = (value: number | null, language: string): string => (value === null ? NO_VALUE : new Intl.NumberFormat(language, { signDisplay: 'exceptZero' }).format(value));

/** A share for a spreadsheet: four decimals, empty for none. */
const csvShare = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));

function ResultsView({ results }: { results: Results }) {
  const { t } = useT();
  const file = (what: string) => `survey-${what}-${results.startsOn}`;
  return (
    <>
      <Figures results={results} />
      <section aria-labelledby="survey-questions-title">
        <h2 id="survey-questions-title">{t('dashboard.surveyResults.questions')}</h2>
        <div class="survey-questions">
          {results.questions.map((question) => (
            <QuestionCard key={question.id} question={question} exportName={file(`comments-${question.id}`)} />
          ))}
        </div>
      </section>
      <BranchTable rows={results.byBranch} exportName={file('branches')} />
      <ChannelTable rows={results.byChannel} exportName={file('channels')} />
      <p class="page-note">{t('dashboard.surveyResults.note')}</p>
    </>
  );
}

/** The whole scope: responses by channel, the two survey figures, and the counter ratings' satisfaction beside them. */
function Figures({ results }: { results: Results }) {
  const { t, language } = useT();
  const byChannel = (c: SurveyChannel) => count(results.byChannel.find((r) => r.channel === c)?.responses ?? 0, language);
  return (
    <section aria-labelledby="survey-figures-title">
      <h2 id="survey-figures-title" class="visually-hidden">
        {t('dashboard.surveyResults.figures')}
      </h2>
      <dl class="stat-grid">
        <div class="stat">
          <dt>{t('dashboard.surveyResults.responses')}</dt>
          <dd>
            {count(results.total.responses, language)}
            <span class="stat-formula">{t('dashboard.surveyResults.responsesBy', { lobby: byChannel('lobby'), phone: byChannel('phone') })}</span>
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.surveyResults.satisfaction')}</dt>
          <dd>
            {percent(results.total.satisfaction, language)}
            <span class="stat-formula">{t('dashboard.surveyResults.satisfactionOf')}</span>
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.surveyResults.recommend')}</dt>
          <dd>
            {scoreText(results.total.recommendScore, language)}
            <span class="stat-formula">{t('dashboard.surveyResults.recommendOf')}</span>
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.surveyResults.counter')}</dt>
          <dd>
            {percent(results.counterSatisfaction, language)}
            <span class="stat-formula">{t('dashboard.surveyResults.counterOf', { n: count(results.counterRatings, language) })}</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function QuestionCard({ question, exportName }: { question: QuestionResult; exportName: string }) {
  const { t, language } = useT();
  const titleId = useId();
  return (
    <section class="survey-question" aria-labelledby={titleId}>
      <h3 id={titleId}>{inLanguage(question.prompt, language)}</h3>
      <p class="survey-question-meta">
        {t('dashboard.surveyResults.answered', { n: count(question.answered, language) })}
        {!question.current && <span class="survey-older"> · {t('dashboard.surveyResults.older')}</span>}
      </p>
      {question.type === 'faces' && <FacesView question={question} />}
      {question.type === 'recommend' && <RecommendView question={question} />}
      {(question.type === 'single' || question.type === 'multiple') && <ChoiceView question={question} />}
      {question.type === 'text' && <TextView question={question} exportName={exportName} />}
    </section>
  );
}

function FacesView({ question }: { question: FacesResult }) {
  const { t, language } = useT();
  return (
    <>
      <ScoreBar scores={question.counts} wide shares />
      <p class="survey-headline">{t('dashboard.surveyResults.satisfied', { share: percent(question.satisfaction, language) })}</p>
      <ScoreLegend />
    </>
  );
}

/** Bars with their label and share (and count) in words: the bar is only a picture of the number. */
function ShareList({ items }: { items: readonly { key: string; label: string; share: number | null; count: number }[] }) {
  const { t, language } = useT();
  return (
    <ul class="share-list">
      {items.map((item) => (
        <li key={item.key}>
          <span class="share-label">{item.label}</span>
          <span class="share-track" aria-hidden="true">
            <span class="share-fill" style={{ width: `${Math.min(1, item.share ?? 0) * 100}%` }} />
          </span>
          <span class="share-value">{t('dashboard.surveyResults.optionShare', { share: percent(item.share, language), n: count(item.count, language) })}</span>
        </li>
      ))}
    </ul>
  );
}

function RecommendView({ question }: { question: RecommendResult }) {
  const { t, language } = useT();
  const total = question.promoters + question.passives + question.detractors;
  const of = (n: number) => (total === 0 ? null : n / total);
  return (
    <>
      <p class="survey-score">
        <span class="survey-score-value">{scoreText(question.recommendScore, language)}</span> {t('dashboard.surveyResults.recommend')}
      </p>
      <ShareList
        items={[
          { key: 'promoters', label: t('dashboard.surveyResults.promoters'), share: of(question.promoters), count: question.promoters },
          { key: 'passives', label: t('dashboard.surveyResults.passives'), share: of(question.passives), count: question.passives },
          { key: 'detractors', label: t('dashboard.surveyResults.detractors'), share: of(question.detractors), count: question.detractors },
        ]}
      />
      <h4 class="survey-subtitle">{t('dashboard.surveyResults.distribution')}</h4>
      <ShareList items={question.counts.map((n, value) => ({ key: String(value), label: count(value, language), share: of(n), count: n }))} />
    </>
  );
}

function ChoiceView({ question }: { question: ChoiceResult }) {
  const { t, language } = useT();
  return (
    <>
      <ShareList items={question.options.map((o) => ({ key: o.id, label: inLanguage(o.label, language), share: o.share, count: o.count }))} />
      {question.type === 'multiple' && <p class="page-note">{t('dashboard.surveyResults.multipleNote')}</p>}
    </>
  );
}

/** Customers' words, newest first, with where and when; the CSV neutralizes what a spreadsheet would run (csv.ts). */
function TextView({ question, exportName }: { question: TextResult; exportName: string }) {
  const { t, language } = useT();
  const meta = (c: SurveyComment) =>
    t('dashboard.surveyResults.commentMeta', { day: dayLabel(c.day, language), branch: c.branchName, channel: t(`dashboard.surveyResults.channels.${c.channel}`), language: t(`language.names.${c.language}`) });
  const columns: Column<SurveyComment>[] = [
    { id: 'text', header: t('dashboard.surveyResults.column.comment'), cell: (c) => <span class="survey-comment">{c.text}</span>, csv: (c) => c.text },
    {
      id: 'meta',
      header: t('dashboard.surveyResults.column.where'),
      cell: meta,
      csv: [
        { header: t('dashboard.surveyResults.column.day'), value: (c) => c.day },
        { header: t('dashboard.surveyResults.column.branch'), value: (c) => c.branchName },
        { header: t('dashboard.surveyResults.column.channel'), value: (c) => t(`dashboard.surveyResults.channels.${c.channel}`) },
        { header: t('language.label'), value: (c) => c.language },
      ],
    },
  ];
  return (
    <>
      {question.comments.length > 0 ? (
        <DataTable
          level={3}
          title={t('dashboard.surveyResults.comments')}
          rows={question.comments}
          columns={columns}
          rowKey={(c) => `${question.comments.indexOf(c)}`}
          exportName={exportName}
          empty={t('dashboard.surveyResults.noComments')}
        />
      ) : (
        question.hidden === 0 && <p class="empty">{t('dashboard.surveyResults.noComments')}</p>
      )}
      {question.comments.length >= MAX_SURVEY_COMMENTS && <p class="page-note">{t('dashboard.surveyResults.shownAtMost', { n: count(MAX_SURVEY_COMMENTS, language) })}</p>}
      {question.hidden > 0 && <p class="page-note">{t('dashboard.surveyResults.hidden', { n: count(question.hidden, language) })}</p>}
    </>
  );
}

/** The figure columns a branch and a channel row share. */
function figureColumns<Row extends SurveyChannelRow | SurveyBranchRow>(t: (key: string) => string, language: string): Column<Row>[] {
  return [
    { id: 'responses', header: t('dashboard.surveyResults.column.responses'), numeric: true, cell: (r) => count(r.responses, language), sort: (r) => r.responses, csv: (r) => r.responses },
    { id: 'satisfaction', header: t('dashboard.surveyResults.column.satisfaction'), numeric: true, cell: (r) => percent(r.satisfaction, language), sort: (r) => r.satisfaction, csv: (r) => csvShare(r.satisfaction) },
    { id: 'recommend', header: t('dashboard.surveyResults.column.recommend'), numeric: true, cell: (r) => scoreText(r.recommendScore, language), sort: (r) => r.recommendScore, csv: (r) => r.recommendScore },
  ];
}

function BranchTable({ rows, exportName }: { rows: readonly SurveyBranchRow[]; exportName: string }) {
  const { t, language } = useT();
  const columns: Column<SurveyBranchRow>[] = [
    { id: 'branch', header: t('dashboard.surveyResults.column.branch'), rowHeader: true, cell: (r) => r.name, sort: (r) => r.name, csv: (r) => r.name },
    ...figureColumns<SurveyBranchRow>(t, language),
    { id: 'counter', header: t('dashboard.surveyResults.column.counterSatisfaction'), numeric: true, cell: (r) => percent(r.counterSatisfaction, language), sort: (r) => r.counterSatisfaction, csv: (r) => csvShare(r.counterSatisfaction) },
    { id: 'counterRatings', header: t('dashboard.surveyResults.column.counterRatings'), numeric: true, cell: (r) => count(r.counterRatings, language), sort: (r) => r.counterRatings, csv: (r) => r.counterRatings },
  ];
  return <DataTable title={t('dashboard.surveyResults.byBranch')} detail={t('dashboard.surveyResults.byBranchDetail')} rows={rows} columns={columns} rowKey={(r) => r.branchId} exportName={exportName} empty={t('dashboard.surveyResults.empty')} />;
}

function ChannelTable({ rows, exportName }: { rows: readonly SurveyChannelRow[]; exportName: string }) {
  const { t, language } = useT();
  const name = (r: SurveyChannelRow) => t(`dashboard.surveyResults.channels.${r.channel}`);
  const columns: Column<SurveyChannelRow>[] = [{ id: 'channel', header: t('dashboard.surveyResults.column.channel'), rowHeader: true, cell: name, sort: name, csv: name }, ...figureColumns<SurveyChannelRow>(t, language)];
  return <DataTable title={t('dashboard.surveyResults.byChannel')} rows={rows} columns={columns} rowKey={(r) => r.channel} exportName={exportName} empty={t('dashboard.surveyResults.empty')} />;
}
