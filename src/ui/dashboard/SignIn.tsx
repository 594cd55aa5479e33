import { useEffect, useId, useRef, useState } from 'preact/hooks';
import * as v from 'valibot';
import type { Me } from '../../domain/reports.ts';
import { StaffNumberSchema } from '../../domain/teller.ts';
import type { ApiFailure } from './api.ts';
import { LanguageSelect } from './LanguageSelect.tsx';
import { useDashboard, useT } from './services.tsx';

/** Why the form cannot sign in: the server's answer, or what the form itself can tell. */
type Problem = ApiFailure | 'staff-number-empty' | 'staff-number-format' | 'password-empty';

/** Staff number and password; the session cookie comes back from the server. */
export function SignIn({ ended, onSignedIn }: { ended: boolean; onSignedIn: (me: Me) => void }) {
  const { api } = useDashboard();
  const { t } = useT();
  const [staffNumber, setStaffNumber] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const numberField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  const ids = { number: useId(), password: useId(), problem: useId() };

  useEffect(() => {
    document.title = `${t('dashboard.signIn.title')} · ${t('dashboard.title')}`;
  }, [t]);
  useEffect(() => numberField.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const number = staffNumber.trim();
    const local: Problem | null = !number ? 'staff-number-empty' : !v.is(StaffNumberSchema, number) ? 'staff-number-format' : !password ? 'password-empty' : null;
    if (local) {
      setProblem(local);
      (local === 'password-empty' ? passwordField : numberField).current?.focus();
      return;
    }
    setBusy(true);
    const result = await api.signIn({ staffNumber: number, password });
    setBusy(false);
    if (result.ok) return onSignedIn(result.value);
    setProblem(result.reason);
    // A wrong password is typed again; the staff number stays.
    if (result.reason === 'unauthorized') {
      setPassword('');
      passwordField.current?.focus();
    }
  };

  const numberWrong = problem === 'staff-number-empty' || problem === 'staff-number-format';
  const passwordWrong = problem === 'password-empty' || problem === 'unauthorized';
  return (
    <main class="db-center signin">
      <div class="db-card">
        <p class="db-brand-line">{t('dashboard.title')}</p>
        <h1>{t('dashboard.signIn.title')}</h1>
        <p class="muted">{t('dashboard.signIn.intro')}</p>
        {ended && !problem && (
          <p class="notice" role="status">
            {t('dashboard.signIn.ended')}
          </p>
        )}
        <form onSubmit={(event) => void submit(event)} noValidate>
          <label for={ids.number}>{t('dashboard.signIn.staffNumber')}</label>
          <input
            ref={numberField}
            id={ids.number}
            name="username"
            autocomplete="username"
            value={staffNumber}
            onInput={(event) => setStaffNumber(event.currentTarget.value)}
            aria-invalid={numberWrong}
            aria-describedby={numberWrong ? ids.problem : undefined}
          />
          <label for={ids.password}>{t('dashboard.signIn.password')}</label>
          <input
            ref={passwordField}
            id={ids.password}
            type="password"
            name="password"
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
            aria-invalid={passwordWrong}
            aria-describedby={passwordWrong ? ids.problem : undefined}
          />
          <p id={ids.problem} class="error" role="alert">
            {problem && t(`dashboard.signIn.problem.${problem}`, { defaultValue: t(`dashboard.errors.${problem}`) })}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('dashboard.signIn.checking') : t('dashboard.signIn.submit')}
          </button>
        </form>
        <LanguageSelect />
      </div>
    </main>
  );
}
