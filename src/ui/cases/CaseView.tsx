import { useState } from 'preact/hooks';
import { legalActions, type CaseAction, type CaseEvent, type StaffRole } from '../../domain/case.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import { watchCase, type LocalCaseEvent } from '../../store/cases.ts';
import { attestationKindOf, type StaffSession } from '../../sync/staff-session.ts';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';
import { ActionForm } from './ActionForm.tsx';
import { dateTime, deadlineOf, staffName, topicName } from './format.ts';
import { useNow } from './use-now.ts';

/**
 * One case: what the customer complained of, where it stands, its deadline, its whole history
 * (refused actions included, with the server's reason, and how each maker was checked) and the
 * actions the signed-in member of staff may take now, as the state machine allows them for
 * their role. A formal act their role may do but only with the server's check (sign-off,
 * escalation) is shown disabled, with why, while they are checked by the tablet alone.
 */
export function CaseView({ caseId, session, role, config, onBack }: { caseId: string; session: StaffSession; role: StaffRole; config: DeviceConfig; onBack: () => void }) {
  const { db } = useServices();
  const { t, language } = useT();
  const now = useNow();
  const file = useObservable(() => watchCase(db, caseId), [db, caseId]);
  const [action, setAction] = useState<CaseAction | null>(null);
  const [done, setDone] = useState<CaseAction | null>(null);

  if (!file) return <p aria-busy="true">{t('cases.loading')}</p>;
  const c = file.case;
  const deadline = c && deadlineOf(c, now, config.caseDeadlines, t, language);
  const actions = c ? legalActions(c, role, 'server') : [];
  const allowedNow = new Set(c ? legalActions(c, role, attestationKindOf(session)) : []);
  const waitingForServer = actions.filter((a) => !allowedNow.has(a));
  return (
    <section class="case-view" data-screen="case" aria-labelledby="case-title">
      <button type="button" class="back" onClick={onBack}>{t('cases.backToList')}</button>
      <h1 id="case-title">{c?.summary ?? t('cases.unknownCase')}</h1>
      {c && deadline && (
        <div class="case-facts">
          <span class={`chip status-${c.status}`} data-testid="case-status">{t(`cases.status.${c.status}`)}</span>
          {deadline.state !== 'none' && <span class={`chip deadline ${deadline.state}`}>{deadline.text}</span>}
          <span>{t(`cases.channel.${c.channel}`)}</span>
          {c.topicId && <span data-testid="case-topic">{t('cases.topic', { topic: topicName(config, c.topicId, language) })}</span>}
          <span>{t('cases.owner', { name: staffName(config, c.ownerStaffId, t) })}</span>
        </div>
      )}
      <h2>{t('cases.history')}</h2>
      <ol class="history">
        {file.history.map((row) => <HistoryItem key={row.id} row={row} config={config} />)}
      </ol>
      {done && !action && <p class="saved" role="status">{t('cases.saved', { action: t(`cases.action.${done}`) })}</p>}
      {action ? (
        <ActionForm
          caseId={caseId}
          action={action}
          session={session}
          role={role}
          config={config}
          onDone={() => { setDone(action); setAction(null); }}
          onCancel={() => setAction(null)}
        />
      ) : (
        c && (
          <div class="case-actions" role="group" aria-label={t('cases.actionsLabel')}>
            {actions.length === 0 && <p class="hint">{t('cases.noActions')}</p>}
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                class={a === 'signed-off' ? 'primary' : undefined}
                disabled={!allowedNow.has(a)}
                aria-describedby={allowedNow.has(a) ? undefined : 'needs-server-note'}
                onClick={() => { setDone(null); setAction(a); }}
              >
                {t(`cases.do.${a}`)}
              </button>
            ))}
            {waitingForServer.length > 0 && (
              <p class="hint needs-server" id="needs-server-note">
                {t('cases.needsServer', { actions: new Intl.ListFormat(language, { type: 'conjunction' }).format(waitingForServer.map((a) => t(`cases.do.${a}`))) })}
              </p>
            )}
          </div>
        )
      )}
    </section>
  );
}

/** One event of the history: when, who, what, and whether the server has it or refused it. */
function HistoryItem({ row, config }: { row: LocalCaseEvent; config: DeviceConfig }) {
  const { t, language } = useT();
  const e = row.event;
  return (
    <li class={`history-item ${row.status}`} data-event-id={row.id} data-status={row.status}>
      <p class="history-head">
        <strong>{t(`cases.action.${e.type}`)}</strong> · {dateTime(e.createdAt, language)} · {staffName(config, e.staffId, t)}
        {row.status === 'pending' && <span class="chip pending">{t('cases.notSynced')}</span>}
        <span class={`chip checked-${row.attestation ?? 'tablet'}`} data-attestation={row.attestation ?? 'tablet'}>
          {t(row.attestation === 'server' ? 'cases.checked.server' : 'cases.checked.tablet')}
        </span>
      </p>
      <Details event={e} config={config} />
      {row.status === 'refused' && (
        <p class="refusal" role="alert">
          {t('cases.refusedBecause', { reason: t(`cases.refusal.${row.reason}`) })}
        </p>
      )}
    </li>
  );
}

function Details({ event: e, config }: { event: CaseEvent; config: DeviceConfig }) {
  const { t, language } = useT();
  switch (e.type) {
    case 'opened':
      return <p>{t(`cases.channel.${e.channel}`)}</p>;
    case 'handed-on':
      return <p>{t('cases.handedTo', { name: staffName(config, e.toStaffId, t) })}</p>;
    case 'deadline-agreed':
      return <p>{t('cases.agreedFor', { at: dateTime(e.dueAt, language) })}</p>;
    case 'replied':
      return <p>{t(`cases.replyChannel.${e.channel}`)}: {e.text}</p>;
    case 'fault-decided':
      return <p>{t(e.atFault ? 'cases.atFault' : 'cases.notAtFault')}: {e.text}</p>;
    case 'followed-up':
      return <p>{t(`cases.outcome.${e.outcome}`)}{e.text ? `: ${e.text}` : ''}</p>;
    case 'signed-off':
      return null;
    default:
      return <p>{e.text}</p>;
  }
}
