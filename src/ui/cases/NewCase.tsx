import { useRef, useState } from 'preact/hooks';
import { CASE_CHANNELS, type CaseChannel, type StaffRole } from '../../domain/case.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import type { ReviewEntry } from '../../domain/review.ts';
import { openCase } from '../../store/cases.ts';
import { attesterOf, type StaffSession } from '../../sync/staff-session.ts';
import { useServices, useT } from '../services.tsx';
import { failureText, topicName } from './format.ts';
import { writeAnswer } from '../components/write-answer.ts';

/** Channels staff choose from; 'opinion-box' is set by opening a case from the daily review. */
const DIRECT_CHANNELS = CASE_CHANNELS.filter((c) => c !== 'opinion-box');

/**
 * Opens a case: a complaint received in person, by phone, by letter or from the hotline, or an
 * opinion-box entry from the daily review (its text as the summary, to be shortened, its topic
 * as the case's). Whoever opens it owns it until they hand it on (首問負責制). The topic is
 * optional: it serves the quarterly analysis by nature, and a guess would skew it.
 */
export function NewCase({ from, draft, session, role, config, onOpened, onCancel }: {
  from: ReviewEntry | null;
  /** A case from an alert (StaffAlerts.tsx): its summary made from the alert, and a note of where it comes from. */
  draft?: { summary: string; note: string };
  session: StaffSession;
  role: StaffRole;
  config: DeviceConfig;
  onOpened: (caseId: string) => void;
  onCancel: () => void;
}) {
  const { db, engine } = useServices();
  const { t, language } = useT();
  const [channel, setChannel] = useState<CaseChannel>(from ? 'opinion-box' : 'in-person');
  const [summary, setSummary] = useState(from?.opinion.text ?? draft?.summary ?? '');
  const [topicId, setTopicId] = useState<string>(from?.opinion.topicId ?? '');
  // The entry's topic stays offered even if the branch has since retired it from its list.
  const topicIds = [...config.topics.map((x) => x.id), ...(topicId && !config.topics.some((x) => x.id === topicId) ? [topicId] : [])];
  const [problem, setProblem] = useState<string | null>(null);
  const busy = useRef(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (busy.current) return;
    if (!summary.trim()) {
      setProblem(t('cases.errors.summary-empty'));
      document.getElementById('case-summary')?.focus();
      return;
    }
    busy.current = true;
    const result = await writeAnswer(
      openCase(
        db,
        { channel, opinionId: from?.opinion.id ?? null, topicId: topicId || null, summary: summary.trim(), staffId: session.staff.id, role },
        { attest: attesterOf(session) },
      ),
    );
    busy.current = false;
    if (!result.ok) {
      setProblem(failureText(t, result.reason));
      return;
    }
    engine.requestSync('new-record');
    onOpened(result.value.caseId);
  }

  return (
    <form class="new-case" data-screen="new-case" onSubmit={submit} noValidate aria-labelledby="new-case-title">
      <h1 id="new-case-title">{t('cases.new.title')}</h1>
      {draft && <p class="hint">{draft.note}</p>}
      {from ? (
        <p class="hint">{t('cases.new.fromEntry', { code: from.opinion.referenceCode })}</p>
      ) : (
        <fieldset>
          <legend>{t('cases.new.channel')}</legend>
          <div class="radio-row">
            {DIRECT_CHANNELS.map((c) => (
              <label key={c} class="radio"><input type="radio" name="channel" checked={channel === c} onChange={() => setChannel(c)} /> {t(`cases.channel.${c}`)}</label>
            ))}
          </div>
        </fieldset>
      )}
      <label for="case-summary">{t('cases.new.summary')}</label>
      <p class="hint" id="case-summary-hint">{t('cases.new.summaryHint')}</p>
      <textarea id="case-summary" rows={5} maxLength={2000} value={summary} aria-describedby="case-summary-hint" aria-invalid={problem !== null} onInput={(e) => setSummary(e.currentTarget.value)} />
      <label for="case-topic">{t('cases.new.topic')}</label>
      <p class="hint" id="case-topic-hint">{t('cases.new.topicHint')}</p>
      <select id="case-topic" value={topicId} aria-describedby="case-topic-hint" onChange={(e) => setTopicId(e.currentTarget.value)}>
        <option value="">{t('cases.new.noTopic')}</option>
        {topicIds.map((id) => <option key={id} value={id}>{topicName(config, id, language)}</option>)}
      </select>
      <p class="error" role="alert">{problem}</p>
      <div class="actions">
        <button type="button" onClick={onCancel}>{t('cases.cancel')}</button>
        <button type="submit" class="primary">{t('cases.new.open')}</button>
      </div>
    </form>
  );
}
