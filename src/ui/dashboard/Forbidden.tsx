import { useEffect, useRef } from 'preact/hooks';
import type { Me } from '../../domain/reports.ts';
import { LanguageSelect } from './LanguageSelect.tsx';
import { useT } from './services.tsx';

/** The 403 page: signed in, but in a role that sees no reports. */
export function Forbidden({ me, onSignOut, onChangePassword }: { me: Me | null; onSignOut: () => void; onChangePassword?: () => void }) {
  const { t } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${t('dashboard.forbidden.title')} · ${t('dashboard.title')}`;
  }, [t]);
  // Once, when the page appears: `t` is new on every render, and focusing on each one would
  // pull the focus back from the sign-out button a keyboard user has just reached.
  useEffect(() => heading.current?.focus(), []);
  return (
    <main class="db-center">
      <div class="db-card">
        <h1 ref={heading} tabIndex={-1}>
          {t('dashboard.forbidden.title')}
        </h1>
        <p>{t('dashboard.forbidden.detail')}</p>
        {me && <p>{t('dashboard.forbidden.who', { name: me.name, number: me.staffNumber, role: t(`dashboard.role.${me.role}`) })}</p>}
        <div class="db-card-actions">
          <LanguageSelect />
          {onChangePassword && (
            <button type="button" class="secondary" onClick={onChangePassword}>
              {t('dashboard.password.open')}
            </button>
          )}
          <button type="button" class="primary" onClick={onSignOut}>
            {t('dashboard.signOut')}
          </button>
        </div>
      </div>
    </main>
  );
}
