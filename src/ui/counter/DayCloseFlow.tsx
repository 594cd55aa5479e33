import { useState } from 'preact/hooks';
import { canCloseDay, type DayCloseRole } from '../../domain/day-close.ts';
import type { Teller } from '../../domain/teller.ts';
import { checkStaffCredentials } from '../../store/staff.ts';
import { DayCloseResult } from '../components/DayCloseResult.tsx';
import { addDayCloseLocales } from '../components/day-close-locales.ts';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/**
 * "Close day" on a counter tablet: whoever opened the staff menu, the close is done by a
 * complaint manager or the branch manager, so their staff number and PIN are asked for here,
 * checked offline against the roster with the same lockout as the sign-in. Another role is
 * refused with the reason; the right one sees the close run and its result. A chunk of its own
 * with its texts (LazyDayCloseFlow): a counter needs it once a day at most.
 */
export function DayCloseFlow({ onCancel, onDone }: { onCancel: () => void; onDone: () => void }) {
  const { db, i18n } = useServices();
  useState(() => addDayCloseLocales(i18n));
  const { t } = useT();
  const [manager, setManager] = useState<{ staff: Teller; role: DayCloseRole } | null>(null);

  async function check(credentials: { staffNumber: string; pin: string }) {
    const result = await checkStaffCredentials(db, credentials);
    if (!result.ok) return result;
    const { role } = result.value;
    if (!canCloseDay(role)) return { ok: false as const, reason: 'day-close-role' };
    setManager({ staff: result.value, role });
    return result;
  }

  if (manager) {
    return (
      <div class="panel day-close-panel">
        <DayCloseResult staff={manager.staff} role={manager.role} onDone={onDone} />
      </div>
    );
  }
  return (
    <section class="panel day-close-sign-in" data-screen="day-close-sign-in" aria-labelledby="day-close-sign-in-title">
      <h1 id="day-close-sign-in-title">{t('dayClose.title')}</h1>
      <p class="hint" id="day-close-sign-in-hint">{t('dayClose.managerPrompt')}</p>
      <StaffCredentialsForm idPrefix="day-close" submitLabel={t('dayClose.action')} check={check} onCancel={onCancel} />
    </section>
  );
}
