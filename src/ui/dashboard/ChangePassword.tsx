import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, newPasswordProblem, type NewPasswordProblem } from '../../domain/access.ts';
import type { Me } from '../../domain/reports.ts';
import type { ApiFailure } from './api.ts';
import { LanguageSelect } from './LanguageSelect.tsx';
import { useDashboard, useT } from './services.tsx';

/** Why the form cannot change the password: what it can tell itself, or the server's answer. */
type Problem = NewPasswordProblem | ApiFailure;
/** Which field a problem is about: it is marked invalid, described by the message, and focused. */
type Field = 'current' | 'next' | 'repeated';

const FIELD_OF: Partial<Record<Problem, Field>> = {
  'current-empty': 'current',
  'wrong-password': 'current',
  'too-short': 'next',
  'too-long': 'next',
  'same-as-current': 'next',
  'bad-request': 'next',
  mismatch: 'repeated',
};

/**
 * The viewer's own new password: the current one, the new one twice. `onCancel` is absent
 * when the change is required (a password someone else chose): then only sign-out leads
 * elsewhere. Once changed, it says so and waits for Continue, so the news is read.
 */
export function ChangePassword({ me, onChanged, onCancel, onSignOut }: { me: Me; onChanged: (me: Me) => void; onCancel?: () => void; onSignOut: () => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [changed, setChanged] = useState<Me | null>(null);
  const fields = { current: useRef<HTMLInputElement>(null), next: useRef<HTMLInputElement>(null), repeated: useRef<HTMLInputElement>(null) };
  const continueButton = useRef<HTMLButtonElement>(null);
  const ids = { current: useId(), next: useId(), repeated: useId(), hint: useId(), problem: useId() };
  const forced = onCancel === undefined;
  const title = changed ? t('dashboard.password.doneTitle') : forced ? t('dashboard.password.forcedTitle') : t('dashboard.password.title');

  useEffect(() => {
    document.title = `${title} · ${t('dashboard.title')}`;
  }, [title, t]);
  useEffect(() => fields.current.current?.focus(), []);
  useEffect(() => {
    if (changed) continueButton.current?.focus();
  }, [changed]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const local = newPasswordProblem({ current, next, repeated });
    if (local) return refuse(local);
    setBusy(true);
    const result = await api.changePassword({ currentPassword: current, newPassword: next });
    setBusy(false);
    if (result.ok) return setChanged(result.value);
    // A session that ended sends the dashboard to sign-in (api.onSession); nothing to show here.
    if (result.reason !== 'unauthorized') refuse(result.reason);
  };

  function refuse(reason: Problem): void {
    setProblem(reason);
    const field = FIELD_OF[reason];
    // A wrong current password is typed again from the start.
    if (reason === 'wrong-password') setCurrent('');
    if (field) fields[field].current?.focus();
  }

  if (changed) {
    return (
      <main class="db-center">
        <div class="db-card">
          <p class="db-brand-line">{t('dashboard.title')}</p>
          <h1>{title}</h1>
          <p role="status">{t('dashboard.password.done')}</p>
          <button ref={continueButton} type="button" class="primary" onClick={() => onChanged(changed)}>
            {t('dashboard.password.continue')}
          </button>
        </div>
      </main>
    );
  }

  const wrongField = problem ? FIELD_OF[problem] : undefined;
  const describedBy = (field: Field, extra?: string) => [extra, wrongField === field ? ids.problem : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <main class="db-center change-password">
      <div class="db-card">
        <p class="db-brand-line">{t('dashboard.title')}</p>
        <h1>{title}</h1>
        {forced && <p class="notice">{t('dashboard.password.forced')}</p>}
        <p class="muted">{t('dashboard.password.intro')}</p>
        <p class="db-account">{t('dashboard.password.account', { number: me.staffNumber, name: me.name })}</p>
        <form onSubmit={(event) => void submit(event)} noValidate>
          {/* For password managers: the account this password belongs to. */}
          <input type="text" name="username" autocomplete="username" value={me.staffNumber} readOnly hidden />
          <label for={ids.current}>{t('dashboard.password.current')}</label>
          <input
            ref={fields.current}
            id={ids.current}
            type="password"
            name="current-password"
            autocomplete="current-password"
            value={current}
            onInput={(event) => setCurrent(event.currentTarget.value)}
            aria-invalid={wrongField === 'current'}
            aria-describedby={describedBy('current')}
          />
          <label for={ids.next}>{t('dashboard.password.new')}</label>
          <input
            ref={fields.next}
            id={ids.next}
            type="password"
            name="new-password"
            autocomplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={MAX_PASSWORD_LENGTH}
            value={next}
            onInput={(event) => setNext(event.currentTarget.value)}
            aria-invalid={wrongField === 'next'}
            aria-describedby={describedBy('next', ids.hint)}
          />
          <p id={ids.hint} class="hint muted">
            {t('dashboard.password.hint', { min: MIN_PASSWORD_LENGTH })}
          </p>
          <label for={ids.repeated}>{t('dashboard.password.repeat')}</label>
          <input
            ref={fields.repeated}
            id={ids.repeated}
            type="password"
            name="new-password-again"
            autocomplete="new-password"
            value={repeated}
            onInput={(event) => setRepeated(event.currentTarget.value)}
            aria-invalid={wrongField === 'repeated'}
            aria-describedby={describedBy('repeated')}
          />
          <p id={ids.problem} class="error" role="alert">
            {problem &&
              t(`dashboard.password.problem.${problem}`, {
                min: MIN_PASSWORD_LENGTH,
                max: MAX_PASSWORD_LENGTH,
                defaultValue: t(`dashboard.errors.${problem}`),
              })}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('dashboard.password.checking') : t('dashboard.password.submit')}
          </button>
        </form>
        <div class="db-card-actions">
          <LanguageSelect />
          {onCancel ? (
            <button type="button" class="secondary" onClick={onCancel}>
              {t('dashboard.cancel')}
            </button>
          ) : (
            <button type="button" class="secondary" onClick={onSignOut}>
              {t('dashboard.signOut')}
            </button>
          )}
        </div>
      </div>
    </main>
  );
}
