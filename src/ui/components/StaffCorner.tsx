import { useT } from '../services.tsx';
import { useHold } from './hold.ts';

/** How long the corner must be held: long enough that a customer's tap never opens it. */
export const HOLD_MS = 2000;

/**
 * The kiosk lock's way out: an unmarked corner that opens the staff PIN prompt after a long
 * press. Keyboard users (staff with a keyboard attached) open it with Enter; the PIN guards it.
 */
export function StaffCorner({ onOpen }: { onOpen: () => void }) {
  const { t } = useT();
  const hold = useHold(HOLD_MS, onOpen);
  return (
    <button
      type="button"
      class="staff-corner"
      aria-label={t('staff.corner')}
      data-testid="staff-corner"
      {...hold}
      onKeyDown={(event) => event.key === 'Enter' && onOpen()}
    />
  );
}
