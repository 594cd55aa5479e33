import { useRef } from 'preact/hooks';
import { useT } from '../services.tsx';

/** How long the corner must be held: long enough that a customer's tap never opens it. */
export const HOLD_MS = 2000;

/**
 * The kiosk lock's way out: an unmarked corner that opens the staff PIN prompt after a long
 * press. Keyboard users (staff with a keyboard attached) open it with Enter; the PIN guards it.
 */
export function StaffCorner({ onOpen }: { onOpen: () => void }) {
  const { t } = useT();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  return (
    <button
      type="button"
      class="staff-corner"
      aria-label={t('staff.corner')}
      data-testid="staff-corner"
      onPointerDown={() => {
        cancel();
        timer.current = setTimeout(onOpen, HOLD_MS);
      }}
      onPointerUp={cancel}
      onPointerLeave={cancel}
      onPointerCancel={cancel}
      onContextMenu={(event) => event.preventDefault()}
      onKeyDown={(event) => event.key === 'Enter' && onOpen()}
    />
  );
}
