import { useRef, useState } from 'preact/hooks';
import { FOLLOW_UP_OUTCOMES, REPLY_CHANNELS, STAFF_ROLES, type CaseAction, type StaffRole } from '../../domain/case.ts';
import type { DeviceConfig } from '../../domain/config.ts';
import { recordCaseEvent, type CaseEventInput } from '../../store/cases.ts';
import { attesterOf, type StaffSession } from '../../sync/staff-session.ts';
import { useServices, useT } from '../services.tsx';
import { failureText } from './format.ts';
import { writeAnswer } from '../components/write-answer.ts';

/** Actions whose text is required; a follow-up's note is optional, a sign-off has none. */
const NEEDS_TEXT: readonly CaseAction[] = ['restated', 'answered-on-spot', 'replied', 'fault-decided', 'escalated', 'head-office-answered', 'reopened'];

type Problem = 'text-empty' | 'due-past' | 'due-missing' | 'choose-staff' | 'choose-fault';

/**
 * The form for one action on a case: only the fields that action carries, checked here in the
 * reader's language before anything is written, then recorded through the outbox. A step the
 * case no longer allows (another tablet's event arrived meanwhile) is refused with its reason.
 */
export function ActionForm({ caseId, action, session, role, config, onDone, onCancel }: {
  caseId: string;
  action: CaseAction;
  session: StaffSession;
  role: StaffRole;
  config: DeviceConfig;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { db, engine } = useServices();
  const { t } = useT();
  const [text, setText] = useState('');
  const [channel, setChannel] = useState<(typeof REPLY_CHANNELS)[number]>('phone');
  const [outcome, setOutcome] = useState<(typeof FOLLOW_UP_OUTCOMES)[number]>('satisfied');
  const [atFault, setAtFault] = useState<boolean | null>(null);
  const [toStaffId, setToStaffId] = useState('');
  const [due, setDue] = useState('');
  const staff = session.staff;
  const [problem, setProblem] = useState<Problem | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const busy = useRef(false);

  // Whom a case can be handed to: the branch's complaint handlers, complaint managers first.
  const handlers = config.tellers
    .filter((m) => m.id !== staff.id && (STAFF_ROLES as readonly string[]).includes(m.role))
    .sort((a, b) => Number(b.role === 'complaint-manager') - Number(a.role === 'complaint-manager') || a.name.localeCompare(b.name, 'en'));

  function input(): CaseEventInput | Problem {
    const common = { caseId, staffId: staff.id, role };
    const said = text.trim();
    if (NEEDS_TEXT.includes(action) && !said) return 'text-empty';
    switch (action) {
      case 'handed-on':
        return toStaffId ? { ...common, type: action, toStaffId } : 'choose-staff';
      case 'deadline-agreed': {
        if (!due) return 'due-missing';
        const dueAt = new Date(due).getTime();
        return dueAt > Date.now() ? { ...common, type: action, dueAt } : 'due-past';
      }
      case 'replied':
        return { ...common, type: action, channel, text: said };
      case 'fault-decided':
        return atFault === null ? 'choose-fault' : { ...common, type: action, atFault, text: said };
      case 'followed-up':
        return { ...common, type: action, outcome, text: said };
      case 'signed-off':
        return { ...common, type: action };
      default:
        return { ...common, type: action, text: said };
    }
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (busy.current) return;
    const made = input();
    if (typeof made === 'string') {
      setProblem(made);
      return;
    }
    setProblem(null);
    busy.current = true;
    const result = await writeAnswer(recordCaseEvent(db, made, { attest: attesterOf(session) }));
    busy.current = false;
    if (!result.ok) {
      setFailure(failureText(t, result.reason));
      return;
    }
    engine.requestSync('new-record');
    onDone();
  }

  const textLabel = t(`cases.field.${action}`, { defaultValue: t('cases.field.text') });
  return (
    <form class="action-form" onSubmit={submit} noValidate aria-labelledby="action-title" data-action={action}>
      <h2 id="action-title">{t(`cases.do.${action}`)}</h2>
      {action === 'signed-off' && <p>{t('cases.signOffConfirm')}</p>}
      {action === 'handed-on' && (
        <>
          <label for="action-staff">{t('cases.field.handedTo')}</label>
          <select id="action-staff" value={toStaffId} onChange={(e) => setToStaffId(e.currentTarget.value)} aria-invalid={problem === 'choose-staff'}>
            <option value="">{t('cases.field.choose')}</option>
            {handlers.map((m) => <option key={m.id} value={m.id}>{m.name} ({m.staffNumber}) · {t(`cases.role.${m.role}`)}</option>)}
          </select>
        </>
      )}
      {action === 'deadline-agreed' && (
        <>
          <label for="action-due">{t('cases.field.dueAt')}</label>
          <input id="action-due" type="datetime-local" value={due} onInput={(e) => setDue(e.currentTarget.value)} aria-invalid={problem === 'due-past' || problem === 'due-missing'} />
        </>
      )}
      {action === 'replied' && (
        <fieldset>
          <legend>{t('cases.field.replyChannel')}</legend>
          {REPLY_CHANNELS.map((c) => (
            <label key={c} class="radio"><input type="radio" name="reply-channel" checked={channel === c} onChange={() => setChannel(c)} /> {t(`cases.replyChannel.${c}`)}</label>
          ))}
        </fieldset>
      )}
      {action === 'fault-decided' && (
        <fieldset aria-invalid={problem === 'choose-fault'}>
          <legend>{t('cases.field.fault')}</legend>
          <label class="radio"><input type="radio" name="fault" checked={atFault === true} onChange={() => setAtFault(true)} /> {t('cases.atFault')}</label>
          <label class="radio"><input type="radio" name="fault" checked={atFault === false} onChange={() => setAtFault(false)} /> {t('cases.notAtFault')}</label>
        </fieldset>
      )}
      {action === 'followed-up' && (
        <fieldset>
          <legend>{t('cases.field.outcome')}</legend>
          {FOLLOW_UP_OUTCOMES.map((o) => (
            <label key={o} class="radio"><input type="radio" name="outcome" checked={outcome === o} onChange={() => setOutcome(o)} /> {t(`cases.outcome.${o}`)}</label>
          ))}
        </fieldset>
      )}
      {action !== 'signed-off' && action !== 'handed-on' && action !== 'deadline-agreed' && (
        <>
          <label for="action-text">{action === 'fault-decided' ? t(atFault === false ? 'cases.field.explanation' : 'cases.field.apology') : textLabel}</label>
          <textarea id="action-text" rows={4} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-invalid={problem === 'text-empty'} />
        </>
      )}
      <p class="error" role="alert">{problem ? t(`cases.errors.${problem}`) : failure}</p>
      <div class="actions">
        <button type="button" onClick={onCancel}>{t('cases.cancel')}</button>
        <button type="submit" class="primary">{t(`cases.confirm.${action}`, { defaultValue: t('cases.save') })}</button>
      </div>
    </form>
  );
}
