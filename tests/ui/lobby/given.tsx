import { act, screen, waitFor } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { expect, vi } from 'vitest';
import type { DeviceConfig } from '../../../src/domain/config.ts';
import type { Language } from '../../../src/domain/language.ts';
import { createDatabase } from '../../../src/store/db.ts';
import { saveEnrollment } from '../../../src/store/device.ts';
import { LobbyScreen } from '../../../src/ui/lobby/LobbyScreen.tsx';
import { anEnrolledLobby } from '../../builders/device.ts';
import { nextFrame } from '../counter/given.tsx';
import { renderWithServices, text, uniqueDbName } from '../helpers.tsx';

export interface LobbyTabletOptions {
  /** The branch's default language, which the kiosk starts in. */
  language?: Language;
  config?: Partial<DeviceConfig>;
  /** Fake timeouts for the idle and thanks timers (jsdom's animation frames must stay real). */
  fakeTimers?: boolean;
}

/**
 * An enrolled lobby tablet showing LobbyScreen on real services (Dexie on fake-indexeddb,
 * i18next, a SyncEngine with the network down), driven as a customer with a keyboard would:
 * Tab to a control, Enter or Space to press it, keys to type. Nothing is clicked.
 */
export async function givenLobbyTablet({ language = 'en', config = {}, fakeTimers = false }: LobbyTabletOptions = {}) {
  // shouldAdvanceTime: fake time also flows with real time, so Testing Library's polling (findBy…) works.
  if (fakeTimers) vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
  const device = anEnrolledLobby({ config: { ...config, branch: { ...anEnrolledLobby().config.branch, defaultLanguage: language } } });
  const db = createDatabase(uniqueDbName());
  await saveEnrollment(db, device);
  const rendered = renderWithServices(<LobbyScreen device={device} />, { language, db });
  await rendered.findByRole('button', { name: new RegExp(text(language, 'lobby.attract.start')) });
  await nextFrame();
  const user = userEvent.setup(fakeTimers ? { advanceTimers: (ms) => vi.advanceTimersByTime(ms) } : {});
  const current = () => rendered.services.i18n.language as Language;

  /** Tabs until `name` has the focus (at most 60 presses), or fails: proof it is reachable by keyboard. */
  async function tabTo(name: string | RegExp, role: 'button' | 'field' | 'checkbox' | 'combobox' | 'radio' = 'button'): Promise<HTMLElement> {
    // A field by its label: a PIN (type=password) has no textbox role.
    const target = role === 'field' ? screen.getByLabelText(name, { selector: 'input, textarea, select' }) : screen.getByRole(role, { name });
    for (let i = 0; i < 60 && document.activeElement !== target; i++) await user.tab();
    expect(document.activeElement, `the keyboard never reached ${String(name)}`).toBe(target);
    return target;
  }
  /** Tabs to a button and presses Enter. */
  async function press(name: string | RegExp) {
    await tabTo(name);
    await user.keyboard('{Enter}');
    await nextFrame();
  }
  /** Tabs to a text field and types into it (what the tablet's own keyboard sends). */
  async function type(label: string, value: string) {
    const field = await tabTo(label, 'field');
    await user.clear(field);
    if (value) await user.keyboard(value.replace(/[{[]/g, (c) => c + c));
  }
  /** Tabs to a checkbox and presses Space. */
  async function check(label: string) {
    await tabTo(label, 'checkbox');
    await user.keyboard(' ');
  }
  /** Waits for the step whose question is `key`. */
  const step = (key: string) => rendered.findByRole('heading', { level: 1, name: text(current(), key) });
  const t = (key: string, values?: Record<string, string | number>) => text(current(), key, values);

  /**
   * A whole entry: start, language, kind, topic, text; then the optional visit and contact
   * (skipped when not given), review and send. Resolves on the thanks screen's reference code.
   */
  async function leaveEntry(entry: {
    language: Language;
    kind: 'complaint' | 'suggestion' | 'praise' | 'question';
    topic: string;
    message: string;
    contact?: { name?: string; phone?: string; email?: string; wantsReply?: boolean };
  }): Promise<string> {
    await press(new RegExp(t('lobby.attract.start')));
    await step('lobby.language.title');
    await press(text(entry.language, `language.names.${entry.language}`));
    await step('lobby.kind.title');
    await press(new RegExp(t(`lobby.kind.${entry.kind}`)));
    await step('lobby.topic.title');
    await press(topicLabel(device.config, entry.topic, entry.language));
    await step('lobby.text.title');
    await type(t('lobby.text.title'), entry.message);
    await press(t('lobby.next'));
    await step('lobby.visit.title');
    await press(t('lobby.skip'));
    await step('lobby.contact.title');
    if (entry.contact) {
      if (entry.contact.name) await type(t('lobby.contact.name'), entry.contact.name);
      if (entry.contact.phone) await type(t('lobby.contact.phone'), entry.contact.phone);
      if (entry.contact.email) await type(t('lobby.contact.email'), entry.contact.email);
      if (entry.contact.wantsReply) await check(t('lobby.contact.wantsReply'));
      await check(t('lobby.contact.consent'));
      await press(t('lobby.next'));
    } else {
      await press(t('lobby.contact.anonymous'));
    }
    await step('lobby.review.title');
    await press(t('lobby.review.send'));
    const code = await rendered.findByTestId('reference-code');
    return code.textContent ?? '';
  }

  /** Lets `ms` of fake time pass, with the renders it causes. */
  const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

  const root = () => rendered.container.querySelector<HTMLElement>('.lobby')!;
  await waitFor(() => expect(root()).not.toBeNull());
  return { ...rendered, device, user, current, t, tabTo, press, type, check, step, leaveEntry, advance, root };
}

/** A topic's label in `language`, from the configuration the tablet holds. */
export function topicLabel(config: DeviceConfig, id: string, language: Language): string {
  const topic = config.topics.find((x) => x.id === id);
  if (!topic) throw new Error(`no topic ${id}`);
  return topic.labels[language];
}
