import { useEffect, useRef } from 'preact/hooks';

/**
 * A press held `ms` long does `onHold`; a tap does nothing. What a kiosk offers staff and hides
 * from a customer's passing finger. The press ends with the finger lifted, moved off, or taken
 * by the browser (a scroll); a long press's context menu is held back. Spread the result on the
 * element.
 */
export function useHold(ms: number, onHold: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const hold = useRef(onHold);
  hold.current = onHold;
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };
  useEffect(() => cancel, []);
  return {
    onPointerDown: () => {
      cancel();
      timer.current = setTimeout(() => {
        timer.current = null;
        hold.current();
      }, ms);
    },
    onPointerUp: cancel,
    onPointerLeave: cancel,
    onPointerCancel: cancel,
    onContextMenu: (event: Event) => event.preventDefault(),
  };
}

/** A click from a key (Enter or Space on a focused button), not from a finger or a mouse: the browser counts no press for it. */
export function fromKeyboard(event: MouseEvent): boolean {
  return event.detail === 0;
}
