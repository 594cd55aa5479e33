import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Me } from '../../domain/reports.ts';
import { ChangePassword } from './ChangePassword.tsx';
import { Forbidden } from './Forbidden.tsx';
import { RouterProvider } from './router.tsx';
import { useDashboard, useT } from './services.tsx';
import { Shell } from './Shell.tsx';
import { SignIn } from './SignIn.tsx';

/** Where the viewer stands with the server. */
type Session =
  | { state: 'checking' }
  | { state: 'unreachable' }
  | { state: 'signed-out'; ended: boolean }
  | { state: 'forbidden'; me: Me | null }
  | { state: 'signed-in'; me: Me }
  /** The password change: required (a password someone else chose), or asked for from the shell. */
  | { state: 'password'; me: Me };

/**
 * The dashboard: sign-in, then the reports the viewer's role may see. A 401 from
 * any report (the session expired or was ended elsewhere) comes back to sign-in, on the
 * same address, so signing in again returns to the same view; a 403 shows the page that
 * says this role cannot see reports. A password someone else chose (the first run's, an
 * admin's) leads to the password change first, and nowhere else until it is done; anyone
 * signed in can change theirs from the header. The address stays as it was meanwhile.
 */
export function Dashboard() {
  const { api } = useDashboard();
  const { t } = useT();
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = useCallback(async () => {
    setSession({ state: 'checking' });
    const me = await api.me();
    if (me.ok) setSession(signedIn(me.value));
    else if (me.reason === 'unauthorized') setSession({ state: 'signed-out', ended: false });
    else if (me.reason === 'forbidden') setSession({ state: 'forbidden', me: null });
    else setSession({ state: 'unreachable' });
  }, [api]);

  useEffect(() => {
    void check();
  }, [check]);

  useEffect(
    () =>
      api.onSession((event) =>
        setSession((current) => {
          const me = 'me' in current ? current.me : null;
          if (event === 'signed-out') return { state: 'signed-out', ended: current.state === 'signed-in' || current.state === 'password' };
          // An admin set a new password meanwhile (which also ends sessions, so this is rare).
          if (event === 'password-change-required' && me) return { state: 'password', me: { ...me, mustChangePassword: true } };
          return { state: 'forbidden', me };
        }),
      ),
    [api],
  );

  // Me again, in place (no "checking" screen): a page changed which branches the viewer sees.
  const refreshMe = useCallback(async () => {
    const me = await api.me();
    if (me.ok) setSession((current) => (current.state === 'signed-in' ? signedIn(me.value) : current));
  }, [api]);

  const signOut = useCallback(async () => {
    // Signed out on this screen whatever the server says: the cookie is the server's to drop.
    await api.signOut();
    setSession({ state: 'signed-out', ended: false });
  }, [api]);

  switch (session.state) {
    case 'checking':
      return (
        <main class="db-center">
          <p role="status">{t('dashboard.loading')}</p>
        </main>
      );
    case 'unreachable':
      return (
        <main class="db-center">
          <div class="problem" role="alert">
            <h1>{t('dashboard.unreachable.title')}</h1>
            <p>{t('dashboard.errors.unreachable')}</p>
            <button type="button" class="primary" onClick={() => void check()}>
              {t('dashboard.retry')}
            </button>
          </div>
        </main>
      );
    case 'signed-out':
      return <SignIn ended={session.ended} onSignedIn={(me) => setSession(signedIn(me))} />;
    case 'forbidden':
      return <Forbidden me={session.me} onSignOut={signOut} onChangePassword={session.me ? changePassword(session.me) : undefined} />;
    case 'password':
      return (
        <ChangePassword
          me={session.me}
          onChanged={(me) => setSession(signedIn(me))}
          onCancel={session.me.mustChangePassword ? undefined : () => setSession(signedIn(session.me))}
          onSignOut={signOut}
        />
      );
    case 'signed-in':
      return (
        <RouterProvider>
          <Shell me={session.me} onSignOut={signOut} onChangePassword={changePassword(session.me)} onMeChanged={() => void refreshMe()} />
        </RouterProvider>
      );
  }

  function changePassword(me: Me): () => void {
    return () => setSession({ state: 'password', me });
  }
}

function signedIn(me: Me): Session {
  if (me.mustChangePassword) return { state: 'password', me };
  return me.canViewReports ? { state: 'signed-in', me } : { state: 'forbidden', me };
}
