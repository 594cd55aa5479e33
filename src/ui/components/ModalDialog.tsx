import type { ComponentChildren, JSX, RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * What Tab stops at, before the checks a selector cannot make (visible, not inert, one stop
 * per radio group). `summary` is a stop of its own: a <details> row's "server's message".
 */
const CANDIDATES = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary, iframe, [contenteditable]:not([contenteditable="false"]), [tabindex]';

/** The elements Tab visits inside `box`, in document order (no dialog of ours uses a positive tabindex). */
export function tabbablesIn(box: HTMLElement): HTMLElement[] {
  return [...box.querySelectorAll<HTMLElement>(CANDIDATES)].filter((el) => {
    if (el.tabIndex < 0 || (el as HTMLButtonElement).disabled) return false;
    if (el.closest('[hidden], [inert], fieldset[disabled]')) return false;
    // A summary is a stop only as its details' own first summary; anything else in a closed details is not shown.
    const details = el.parentElement?.closest('details');
    if (details && !details.open && !(el.tagName === 'SUMMARY' && el.parentElement === details)) return false;
    if (el instanceof HTMLInputElement && el.type === 'radio' && el.name) {
      const group = [...box.querySelectorAll<HTMLInputElement>(`input[type="radio"][name="${CSS.escape(el.name)}"]`)];
      const checked = group.find((radio) => radio.checked);
      if (checked ? checked !== el : group[0] !== el) return false;
    }
    // jsdom lays nothing out and has no checkVisibility: there, what is not hidden is shown.
    return typeof el.checkVisibility !== 'function' || el.checkVisibility({ visibilityProperty: true });
  });
}

/** Where the focus starts in `box`: the control marked autoFocus (the PIN field, the safe choice), else the first stop, else the box itself. */
function startOf(box: HTMLElement): HTMLElement {
  const marked = [...box.querySelectorAll<HTMLElement>('[autofocus]')].find((el) => tabbablesIn(box).includes(el));
  return marked ?? tabbablesIn(box)[0] ?? box;
}

/** The dialogs open now, the last on top: only it answers Tab and Escape. */
const open: HTMLElement[] = [];

/**
 * The keys held down now. A dialog opened by a key (Enter on the staff corner) takes the focus
 * once that key is up: otherwise the rest of its press (keypress, auto-repeat) lands in the PIN
 * field and submits an empty PIN, which counts towards the lockout.
 */
const held = new Set<string>();
if (typeof document !== 'undefined') {
  document.addEventListener('keydown', (event) => void held.add(event.code || event.key), true);
  document.addEventListener('keyup', (event) => void held.delete(event.code || event.key), true);
  window.addEventListener('blur', () => held.clear());
}

/**
 * Makes every element beside the path from `box` up to <body> inert, so that neither Tab nor a
 * screen reader reaches the page behind; elements added beside it while it is open too.
 * Returns the undo, which leaves alone what was inert before.
 */
function inertBehind(box: HTMLElement): () => void {
  const made = new Set<Element>();
  const shut = (el: Element) => {
    if (el.hasAttribute('inert') || el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
    el.setAttribute('inert', '');
    made.add(el);
  };
  const observer = new MutationObserver((changes) => {
    for (const change of changes) for (const node of change.addedNodes) if (node instanceof Element && !node.contains(box)) shut(node);
  });
  for (let at: HTMLElement = box; at.parentElement && at !== document.body; at = at.parentElement) {
    for (const sibling of at.parentElement.children) if (sibling !== at) shut(sibling);
    observer.observe(at.parentElement, { childList: true });
  }
  return () => {
    observer.disconnect();
    for (const el of made) el.removeAttribute('inert');
  };
}

export interface DialogFocusOptions {
  /** What Escape does; without it Escape does nothing (where closing could lose work). */
  onEscape?: (() => void) | undefined;
}

/**
 * The tablet's dialogs' focus, as the dashboard's ConfirmDialog has it: on open the focus
 * moves into `box` (to the control marked autoFocus, else the first), Tab and Shift+Tab cycle
 * inside it, the page behind is inert, Escape does `onEscape`, and on close the focus goes
 * back to what opened it (if that is still on the page). When the control with the focus goes
 * (a step of the dialog replaced by the next), the focus goes to the new step's start, never
 * to the page behind.
 */
export function useDialogFocus(box: RefObject<HTMLElement>, { onEscape }: DialogFocusOptions = {}): void {
  const escape = useRef(onEscape);
  escape.current = onEscape;

  useEffect(() => {
    const dialog = box.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    open.push(dialog);
    const undoInert = inertBehind(dialog);
    const start = () => {
      const focused = document.activeElement;
      if (open.at(-1) === dialog && (focused === dialog || !dialog.contains(focused))) startOf(dialog).focus();
    };
    const keyUp = () => {
      if (held.size > 0) return;
      document.removeEventListener('keyup', keyUp);
      start();
    };
    // Now, or once the keys pressed are up (the listener is added once: it is the same function).
    const startSoon = () => (held.size === 0 ? start() : document.addEventListener('keyup', keyUp));
    // A step of the dialog that replaces the one with the focus leaves it on <body>: start the new step.
    // So does a step that loads: the box itself held the focus until it had a control.
    const watch = new MutationObserver(() => {
      const focused = document.activeElement;
      if (!focused || focused === document.body || focused === dialog) startSoon();
    });
    watch.observe(dialog, { childList: true, subtree: true });
    startSoon();

    const onKeyDown = (event: KeyboardEvent) => {
      if (open.at(-1) !== dialog || event.defaultPrevented) return;
      if (event.key === 'Escape') {
        if (!escape.current) return;
        event.preventDefault();
        escape.current();
        return;
      }
      if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
      // Every Tab moved here, not only at the ends: the browser's next stop after the last may be its own toolbar.
      event.preventDefault();
      const stops = tabbablesIn(dialog);
      if (stops.length === 0) return dialog.focus();
      const at = stops.indexOf(document.activeElement as HTMLElement);
      const next = at === -1 ? (event.shiftKey ? stops.length - 1 : 0) : (at + (event.shiftKey ? -1 : 1) + stops.length) % stops.length;
      stops[next]!.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('keyup', keyUp);
      watch.disconnect();
      undoInert();
      open.splice(open.indexOf(dialog), 1);
      // Back to the opener, once it is no longer inert; or to the dialog under this one.
      const below = open.at(-1);
      if (opener?.isConnected && (!below || below.contains(opener))) opener.focus();
      else if (below) startOf(below).focus();
    };
  }, [box]);
}

/**
 * A modal dialog on a tablet screen: the dimmed overlay, with role="dialog" (or "alertdialog"),
 * aria-modal and its name, whose focus useDialogFocus holds. The first
 * control to have the focus is the one marked autoFocus: the PIN field, or the safe choice.
 */
export function ModalDialog({ labelledBy, label, describedBy, role = 'dialog', onEscape, screen, class: className, lang, children }: {
  /** The id of the dialog's title; or `label` when it shows none. */
  labelledBy?: string;
  label?: string;
  describedBy?: string;
  role?: 'dialog' | 'alertdialog';
  /** What Escape does: close where that is safe, the safe answer in a question. */
  onEscape?: (() => void) | undefined;
  /** data-screen, for tests and screenshots. */
  screen?: string;
  class?: string;
  lang?: string;
  children: ComponentChildren;
}): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useDialogFocus(box, { onEscape });
  // The overlay is the dialog, as the tablet's screens have always laid it out (styles.css).
  return (
    <div
      ref={box}
      class={className ? `overlay ${className}` : 'overlay'}
      data-screen={screen}
      role={role}
      aria-modal="true"
      aria-labelledby={labelledBy}
      aria-label={labelledBy ? undefined : label}
      aria-describedby={describedBy}
      lang={lang}
      tabIndex={-1}
    >
      {children}
    </div>
  );
}
