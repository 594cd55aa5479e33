import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useT } from '../services.tsx';
import { keepFocusIn } from './ConfirmDialog.tsx';

/**
 * A secret the server shows this once (a webhook's signing secret, a queue system's key), to
 * copy into the other system: with Copy (the clipboard may be refused on an insecure origin,
 * and then the secret stays on screen to copy by hand) and Done. `texts` is the prefix of its
 * strings: `<texts>.once`, `.copy`, `.copied`, `.notCopied`, `.done`.
 */
export function ShownOnceDialog({ title, secret, note, texts, testId, onClose }: { title: string; secret: string; note: string; texts: string; testId: string; onClose: () => void }) {
  const { t } = useT();
  const ids = { title: useId(), body: useId() };
  const box = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    heading.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };

  return (
    <div class="db-overlay">
      <div
        ref={box}
        class="db-dialog webhook-secret-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={ids.title}
        aria-describedby={ids.body}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onClose();
            return;
          }
          keepFocusIn(event, box.current);
        }}
      >
        <h2 id={ids.title} ref={heading} tabIndex={-1}>
          {title}
        </h2>
        <div id={ids.body}>
          <p>
            <strong>{t(`${texts}.once`)}</strong>
          </p>
          <p class="webhook-secret" lang="en" data-testid={testId}>
            {secret}
          </p>
          <p class="muted">{note}</p>
        </div>
        <div class="db-dialog-actions">
          <span role="status" class="muted">
            {copied && t(copied === 'yes' ? `${texts}.copied` : `${texts}.notCopied`)}
          </span>
          <button type="button" class="secondary" onClick={() => void copy()}>
            {t(`${texts}.copy`)}
          </button>
          <button type="button" class="primary" onClick={onClose}>
            {t(`${texts}.done`)}
          </button>
        </div>
      </div>
    </div>
  );
}
