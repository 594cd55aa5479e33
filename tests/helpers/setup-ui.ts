import { options } from 'preact';
import { configure } from '@testing-library/preact';
import { expect } from 'vitest';

// Component tests share two cores with the rest of the suite, and a step may wait on
// IndexedDB, a PIN hash or a real server: the library's one second is not enough on a busy
// machine. Every findBy and waitFor waits for its condition up to this long, and fails only
// when the condition never comes; a test that passes never waits the whole time.
configure({ asyncUtilTimeout: 15_000 });

// Preact runs effects after the next frame, with a 100 ms timer in case no frame comes. When a
// file ends within those 100 ms (a busy machine makes it likely), the timer fires after jsdom
// is gone and calls a cancelAnimationFrame that no longer exists: an error in no test. jsdom
// paints nothing, so the effects run on the next task instead, before the file can end.
options.requestAnimationFrame = (flush: () => void) => void setTimeout(flush);

/** Why `element` cannot be seen, or null when it can: what jest-dom's toBeVisible checks, as far as jsdom knows styles. */
function hiddenBecause(element: Element): string | null {
  if (!element.isConnected) return 'it is not in the document';
  for (let at: Element | null = element, child: Element | null = null; at; child = at, at = at.parentElement) {
    const name = at === element ? 'it' : `its ancestor <${at.tagName.toLowerCase()}${at.id ? `#${at.id}` : ''}>`;
    if (at.hasAttribute('hidden')) return `${name} has the hidden attribute`;
    const style = getComputedStyle(at);
    if (style.display === 'none') return `${name} has display: none`;
    if (style.visibility === 'hidden' || style.visibility === 'collapse') return `${name} has visibility: ${style.visibility}`;
    if (style.opacity === '0') return `${name} has opacity: 0`;
    // A closed <details> shows its <summary> only.
    if (at.tagName === 'DETAILS' && child && child.tagName !== 'SUMMARY' && !(at as HTMLDetailsElement).open) return `${name} is closed`;
  }
  return null;
}

expect.extend({
  /** Passes when the element is in the document and neither it nor any ancestor hides it. */
  toBeVisible(received: unknown) {
    if (!(received instanceof Element)) return { pass: false, message: () => `expected an element to be visible, but got ${String(received)}` };
    const why = hiddenBecause(received);
    return {
      pass: why === null,
      message: () => (why === null ? `expected <${received.tagName.toLowerCase()}> "${received.textContent}" to be hidden, and it is visible` : `expected <${received.tagName.toLowerCase()}> "${received.textContent}" to be visible, but ${why}`),
    };
  },
});

interface UiMatchers<R = unknown> {
  /** In the document, and neither it nor an ancestor hidden (attribute, display, visibility, opacity). */
  toBeVisible: () => R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends UiMatchers<T> {}
}
