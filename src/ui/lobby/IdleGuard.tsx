import { useEffect, useRef, useState } from 'preact/hooks';
import { useIdle } from '../components/idle.ts';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { useT } from '../services.tsx';

/** Untouched this long in the middle of an entry, the kiosk asks whether anyone is there. */
export const IDLE_MS = 60_000;
/** … and counts down this long before it clears the entry. */
export const COUNTDOWN_MS = 10_000;

/**
 * Watches a customer's session: after IDLE_MS with no touch, key or typing it asks "are you
 * still there?" with a visible countdown; at zero it calls `onExpired`, which clears the
 * entry. Any touch, key or input while the question is not shown starts the wait again.
 * The question holds the focus (ModalDialog), on "yes, continue"; Escape means yes too.
 */
export function IdleGuard({ onExpired, idleMs = IDLE_MS, texts = 'lobby.idle' }: {
  onExpired: () => void;
  /** How long without a touch before the question; the staff desk waits longer than a customer's entry. */
  idleMs?: number;
  /** Where its texts are: title, detail (with count), continue, clear. */
  texts?: 'lobby.idle' | 'cases.idle';
}) {
  const { t } = useT();
  const [asking, setAsking] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState(COUNTDOWN_MS / 1000);
  const expired = useRef(onExpired);
  expired.current = onExpired;

  useIdle(
    idleMs,
    () => {
      setSecondsLeft(COUNTDOWN_MS / 1000);
      setAsking(true);
    },
    { enabled: !asking },
  );

  // One second at a time, with timeouts only: the countdown shown is the countdown run.
  useEffect(() => {
    if (!asking) return;
    if (secondsLeft === 0) return expired.current();
    const tick = setTimeout(() => setSecondsLeft(secondsLeft - 1), 1000);
    return () => clearTimeout(tick);
  }, [asking, secondsLeft]);

  if (!asking) return null;
  return (
    <ModalDialog role="alertdialog" labelledBy="idle-title" describedBy="idle-detail" screen="lobby-idle" onEscape={() => setAsking(false)}>
      <section class="panel idle">
        <h1 id="idle-title">{t(`${texts}.title`)}</h1>
        <p id="idle-detail" aria-live="polite">{t(`${texts}.detail`, { count: secondsLeft })}</p>
        <p class="countdown" aria-hidden="true">{secondsLeft}</p>
        <div class="actions">
          <button type="button" onClick={() => expired.current()}>{t(`${texts}.clear`)}</button>
          <button type="button" class="primary" onClick={() => setAsking(false)} autoFocus>{t(`${texts}.continue`)}</button>
        </div>
      </section>
    </ModalDialog>
  );
}
