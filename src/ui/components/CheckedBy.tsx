import { isManagerRole } from '../../domain/staff-session.ts';
import { attestationKindOf, type StaffSession } from '../../sync/staff-session.ts';
import { useState } from 'preact/hooks';
import { useServices, useT } from '../services.tsx';
import { addStaffLocales } from './staff-locales.ts';

/**
 * How the signed-in member of staff was checked, said plainly where they work: by the server
 * (their acts carry its check), or by this tablet alone while it was offline (their acts are
 * the tablet's word, and the acts that need the server wait until they sign in online).
 */
export function CheckedBy({ session }: { session: StaffSession }) {
  const { i18n } = useServices();
  useState(() => addStaffLocales(i18n));
  const { t } = useT();
  const kind = attestationKindOf(session);
  return (
    <p class={`checked-by checked-by-${kind}`} data-testid="checked-by" data-attestation={kind}>
      <span aria-hidden="true">{kind === 'server' ? '✓ ' : '⚠ '}</span>
      {t(`staffSession.${kind}`)}
      {/* A manager's formal acts wait for the server's check: say which, where they work. */}
      {kind === 'tablet' && isManagerRole(session.staff.role) && <span class="checked-by-waits">{t('staffSession.tabletWaits')}</span>}
    </p>
  );
}
