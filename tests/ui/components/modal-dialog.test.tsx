import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModalDialog } from '../../../src/ui/components/ModalDialog.tsx';

// The one focus rule of the tablet's dialogs (the staff PIN prompt and menu, the lobby's staff
// sign-in, "are you still there?"), as the dashboard's ConfirmDialog has it: the focus goes in,
// stays in, Escape does what is safe, and the focus comes back to the opener.

/** A page behind, with controls of its own, and a button that opens a dialog of two steps. */
function Page({ onEscape = true, steps = false }: { onEscape?: boolean; steps?: boolean }) {
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState(1);
  const close = () => setOpen(false);
  return (
    <div>
      <header>
        <button type="button">Behind, first</button>
        <button type="button" onClick={() => setOpen(true)}>Open</button>
      </header>
      <main>
        <button type="button">Very satisfied</button>
        <a href="#x">A link behind</a>
      </main>
      {open && (
        <ModalDialog labelledBy="title" onEscape={onEscape ? close : undefined}>
          <section>
            <h1 id="title">Staff menu</h1>
            {step === 1 ? (
              <form onSubmit={(e) => { e.preventDefault(); setStep(2); }}>
                <label for="pin">PIN</label>
                <input id="pin" autoFocus />
                <button type="button" onClick={close}>Cancel</button>
                <button type="submit">Open menu</button>
              </form>
            ) : (
              <div>
                <button type="button" autoFocus={steps}>Pause</button>
                <details>
                  <summary>More</summary>
                  <button type="button">Hidden while closed</button>
                </details>
                <button type="button" disabled>Not now</button>
                <button type="button" onClick={close}>Back</button>
              </div>
            )}
          </section>
        </ModalDialog>
      )}
      <footer>
        <button type="button">Behind, last</button>
      </footer>
    </div>
  );
}

afterEach(() => cleanup());

describe('ModalDialog', () => {
  it('given a dialog opened from a button, then it is a named modal dialog and the focus is on the control marked autoFocus', async () => {
    const user = userEvent.setup();
    render(<Page />);
    await user.click(screen.getByRole('button', { name: 'Open' }));

    const dialog = await screen.findByRole('dialog', { name: 'Staff menu' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));
  });

  it('given an open dialog, then everything behind it is inert, and nothing is once it closes', async () => {
    const user = userEvent.setup();
    const { container } = render(<Page />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog');

    for (const part of container.querySelectorAll('header, main, footer')) expect(part.hasAttribute('inert')).toBe(true);
    expect(dialog.closest('[inert]')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(container.querySelectorAll('[inert]')).toHaveLength(0);
  });

  it('given an open dialog, when Tab and Shift+Tab are pressed past either end, then the focus cycles inside it', async () => {
    const user = userEvent.setup();
    render(<Page />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));

    const forwards: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement)).toBe(true);
      forwards.push(document.activeElement!.textContent || document.activeElement!.id);
    }
    expect(forwards).toEqual(['Cancel', 'Open menu', 'pin', 'Cancel']);

    const backwards: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      await user.tab({ shift: true });
      expect(dialog.contains(document.activeElement)).toBe(true);
      backwards.push(document.activeElement!.textContent || document.activeElement!.id);
    }
    expect(backwards).toEqual(['pin', 'Open menu', 'Cancel']);
  });

  it('given a dialog whose next step replaces the control with the focus, then the focus goes to the new step, skipping disabled controls and the inside of a closed details', async () => {
    const user = userEvent.setup();
    render(<Page steps />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));

    await user.keyboard('1234{Enter}');

    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Pause' })));
    const stops: string[] = [];
    for (let i = 0; i < 3; i++) {
      await user.tab();
      stops.push(document.activeElement!.textContent!);
    }
    expect(stops).toEqual(['More', 'Back', 'Pause']);
  });

  it('given a dialog that closes with Escape, when Escape is pressed, then it closes and the focus is back on the button that opened it', async () => {
    const user = userEvent.setup();
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('given a dialog without an Escape, when Escape is pressed, then it stays open with the focus inside', async () => {
    const user = userEvent.setup();
    render(<Page onEscape={false} />);
    await user.click(screen.getByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('PIN')));

    await user.keyboard('{Escape}');

    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(dialog.contains(document.activeElement)).toBe(true);
  });

  it('given a dialog closed by one of its buttons, then the focus is back on the opener', async () => {
    const user = userEvent.setup();
    render(<Page />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await user.click(opener);
    await screen.findByRole('dialog');

    await user.click(screen.getByRole('button', { name: 'Cancel' }));

    expect(document.activeElement).toBe(opener);
  });

  it('given a control inside that answers Escape itself, then the dialog leaves that Escape to it', async () => {
    const user = userEvent.setup();
    const own = vi.fn((event: KeyboardEvent) => event.key === 'Escape' && event.preventDefault());
    const closed = vi.fn();
    render(
      <ModalDialog label="Question" onEscape={closed}>
        <div onKeyDown={own}>
          <button type="button" autoFocus>Keep</button>
        </div>
      </ModalDialog>,
    );
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Keep'));

    await user.keyboard('{Escape}');

    expect(own).toHaveBeenCalled();
    expect(closed).not.toHaveBeenCalled();
  });
});
