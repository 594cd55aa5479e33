import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useT } from '../services.tsx';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal question before an action that cannot be undone. The focus starts on Cancel (the
 * safe answer), Tab and Shift+Tab stay inside, Escape cancels, and on cancel the focus goes
 * back where it was. A role="dialog" of our own rather than <dialog>, whose focus handling
 * still differs between the browsers branches use.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmClass = 'danger',
  busy = false,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** The confirm button's look: 'danger' for what cannot be undone, 'primary' for a plain save. */
  confirmClass?: 'danger' | 'primary';
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useT();
  const ids = { title: useId(), body: useId() };
  const box = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    // Back to the opener when the dialog goes, if it is still on the page.
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (!busy) onCancel();
      return;
    }
    keepFocusIn(event, box.current);
  };

  return (
    <div class="db-overlay">
      <div ref={box} class="db-dialog" role="dialog" aria-modal="true" aria-labelledby={ids.title} aria-describedby={ids.body} aria-busy={busy} onKeyDown={onKeyDown}>
        <h2 id={ids.title}>{title}</h2>
        <div id={ids.body}>{children}</div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="db-dialog-actions">
          {/* aria-disabled while busy, not disabled: a disabled button drops the focus out of the dialog. */}
          <button ref={cancel} type="button" class="secondary" onClick={() => !busy && onCancel()} aria-disabled={busy}>
            {t('dashboard.cancel')}
          </button>
          <button type="button" class={confirmClass} onClick={() => !busy && onConfirm()} aria-disabled={busy}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/** Tab and Shift+Tab go round the controls of a dialog's box instead of leaving it. */
export function keepFocusIn(event: KeyboardEvent, box: HTMLElement | null): void {
  if (event.key !== 'Tab' || !box) return;
  const focusable = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
