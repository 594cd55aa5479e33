import { compareCases } from '../../domain/case.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import type { CaseBoard } from '../../store/cases.ts';
import { useT } from '../services.tsx';
import { dateTime, deadlineOf, staffName, topicName } from './format.ts';
import { useNow } from './use-now.ts';

/**
 * The branch's complaint cases, overdue first: each with its deadline in amber or
 * red, its owner and its status. Actions the server refused head the screen, each with its
 * reason, and in the history of their case: nothing is dropped silently.
 */
export function CaseList({ board, config, onOpen }: { board: CaseBoard | undefined; config: DeviceConfig; onOpen: (caseId: string) => void }) {
  const { t, language } = useT();
  const now = useNow();
  if (!board) return <p aria-busy="true">{t('cases.loading')}</p>;
  const cases = [...board.cases].sort(compareCases(now, config.caseDeadlines));
  const summaryOf = (caseId: string) => board.cases.find((c) => c.id === caseId)?.summary ?? caseId;
  return (
    <section class="case-list" data-screen="case-list" aria-labelledby="case-list-title">
      <h1 id="case-list-title">{t('cases.list.title')}</h1>
      {board.refused.length > 0 && (
        <div class="refused-box" role="alert">
          <h2>{t('cases.refused.title', { count: board.refused.length })}</h2>
          <ul>
            {board.refused.map((r) => (
              <li key={r.id}>
                <button type="button" class="link" onClick={() => onOpen(r.caseId)}>
                  {t(`cases.action.${r.event.type}`)} · {summaryOf(r.caseId)}
                </button>
                <span>{t(`cases.refusal.${r.reason}`)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {board.pending > 0 && <p class="hint">{t('cases.pending', { count: board.pending })}</p>}
      {cases.length === 0 ? (
        <p class="desk-note">{t('cases.list.empty')}</p>
      ) : (
        <ul class="cases">
          {cases.map((c) => {
            const deadline = deadlineOf(c, now, config.caseDeadlines, t, language);
            return (
              <li key={c.id}>
                <button type="button" class={`case-row deadline-${deadline.state}`} data-case-id={c.id} onClick={() => onOpen(c.id)}>
                  <span class="case-summary">{c.summary}</span>
                  <span class="case-meta">
                    {t(`cases.channel.${c.channel}`)}{c.topicId && ` · ${topicName(config, c.topicId, language)}`} · {dateTime(c.openedAt, language)} · {t('cases.owner', { name: staffName(config, c.ownerStaffId, t) })}
                  </span>
                  <span class="case-state">
                    <span class={`chip status-${c.status}`}>{t(`cases.status.${c.status}`)}</span>
                    {deadline.state !== 'none' && <span class={`chip deadline ${deadline.state}`}>{deadline.text}</span>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
