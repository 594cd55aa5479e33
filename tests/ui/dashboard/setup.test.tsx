import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { listCounters } from '../../../src/server/repositories/counters.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const LABELS = { en: 'Door was locked', es: 'La puerta estaba cerrada', 'zh-Hans': '门锁着', 'zh-Hant': '門鎖着' };

// A real server, scrypt at sign-in and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe("a branch's counters and lists on the dashboard, against the real server", { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road and Nanjing Road; head office HQ1, and Nanjing Road's manager. */
  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    const manager = await findTeller(database.current.db, nanjing.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    return { server: await startDashboardServer(database.current), harbour, nanjing, manager: manager! };
  }

  const section = (name: string) => screen.getByRole('region', { name });

  it('given head office in English, when it picks a branch, then it adds and renames a counter, a reason is refused without a label and added with all four, moved up by keyboard and switched off', async () => {
    const { server, harbour } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { path: '/dashboard/setup' });
    const { t } = dashboard;
    const typeIn = async (within_: HTMLElement, label: string, value: string) => {
      const field = await dashboard.tabToElement(within(within_).getByLabelText(label, { selector: 'input' }), label);
      await dashboard.user.clear(field);
      if (value) await dashboard.user.keyboard(value);
      return field;
    };
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.setup');
    expect(screen.getByText(t('dashboard.setup.pickBranch'))).toBeTruthy();
    expect(screen.queryByLabelText(t('dashboard.filters.period'))).toBeNull();

    await dashboard.choose(t('dashboard.filters.branch'), harbour.name);
    const counters = await screen.findByRole('region', { name: t('dashboard.setup.counters.title') });
    for (const name of harbour.counterNames) expect(within(counters).getByText(name)).toBeTruthy();

    // An empty name is refused next to the field, in the reader's language, before the server is asked.
    await dashboard.press(t('dashboard.setup.counters.add'));
    const nameField = within(counters).getAllByLabelText(t('dashboard.setup.counterName')).at(-1)!;
    expect(nameField.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(nameField.getAttribute('aria-describedby')!)!.textContent).toBe(t('dashboard.setup.errors.nameEmpty'));
    await typeIn(counters, t('dashboard.setup.counterName'), 'Window 9');
    await dashboard.press(t('dashboard.setup.counters.add'));
    expect(await screen.findByText(t('dashboard.setup.counters.added', { name: 'Window 9' }))).toBeTruthy();
    await waitFor(async () => expect((await listCounters(db, harbour.id)).map((c) => c.name)).toContain('Window 9'));
    await within(counters).findByText('Window 9');

    await dashboard.press(t('dashboard.setup.counters.renameNamed', { name: 'Window 9' }));
    const renaming = await within(counters).findByDisplayValue('Window 9');
    await waitFor(() => expect(document.activeElement).toBe(renaming));
    await dashboard.user.clear(renaming);
    await dashboard.user.keyboard('Window 10{Enter}');
    expect(await screen.findByText(t('dashboard.setup.counters.renamed', { name: 'Window 10' }))).toBeTruthy();
    await waitFor(async () => expect((await listCounters(db, harbour.id)).map((c) => c.name)).toContain('Window 10'));

    // A reason: every language is required; the missing one is named next to its field.
    const reasons = section(t('dashboard.setup.reasons.title'));
    const before = await listItems(db, 'reasons', { branchId: harbour.id });
    await typeIn(reasons, t('dashboard.setup.labelIn.en'), LABELS.en);
    await typeIn(reasons, t('dashboard.setup.labelIn.es'), LABELS.es);
    await typeIn(reasons, t('dashboard.setup.labelIn.zh-Hans'), LABELS['zh-Hans']);
    const neutral = within(reasons).getAllByRole('checkbox', { name: t('dashboard.setup.reasons.offered.neutral') }).at(-1)!;
    await dashboard.tabToElement(neutral, 'the neutral checkbox');
    await dashboard.user.keyboard(' ');
    expect((neutral as HTMLInputElement).checked).toBe(false);
    await dashboard.press(t('dashboard.setup.reasons.add'));
    const hant = within(reasons).getByLabelText(t('dashboard.setup.labelIn.zh-Hant'));
    await waitFor(() => expect(document.activeElement).toBe(hant));
    expect(hant.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(hant.getAttribute('aria-describedby')!)!.textContent).toBe(t('dashboard.setup.errors.labelEmpty'));
    expect(await listItems(db, 'reasons', { branchId: harbour.id })).toEqual(before);
    await dashboard.user.keyboard(LABELS['zh-Hant']);
    await dashboard.press(t('dashboard.setup.reasons.add'));
    expect(await screen.findByText(t('dashboard.setup.reasons.added', { label: LABELS.en }))).toBeTruthy();
    await waitFor(async () => expect((await listItems(db, 'reasons', { branchId: harbour.id })).at(-1)).toMatchObject({ id: 'door-was-locked', labels: LABELS, scores: ['dissatisfied'] }));
    await within(reasons).findByText(LABELS.en);
    expect(within(reasons).getAllByRole('listitem').at(-1)!.textContent).toContain(t('dashboard.setup.reasons.offeredBy', { offered: t('dashboard.setup.reasons.offered.dissatisfied') }));

    // Moved up with the keyboard: the focus stays on the moved reason's button.
    await dashboard.press(t('dashboard.setup.moveUpNamed', { label: LABELS.en }));
    expect(await screen.findByText(t('dashboard.setup.moved', { label: LABELS.en, position: before.length }))).toBeTruthy();
    const up = await within(reasons).findByRole('button', { name: t('dashboard.setup.moveUpNamed', { label: LABELS.en }) });
    await waitFor(() => expect(document.activeElement).toBe(up));
    await waitFor(() => expect(up.closest('li')!.getAttribute('data-position')).toBe(String(before.length)));
    await dashboard.user.keyboard('{Enter}');
    await waitFor(async () => expect((await listItems(db, 'reasons', { branchId: harbour.id })).find((r) => r.id === 'door-was-locked')!.position).toBe(before.length - 1));
    expect((await listItems(db, 'reasons', { branchId: harbour.id })).map((r) => r.position)).toEqual(before.map((_, i) => i + 1).concat(before.length + 1));

    await dashboard.press(t('dashboard.setup.retireNamed', { label: LABELS.en }));
    expect(await screen.findByText(t('dashboard.setup.retired', { label: LABELS.en }))).toBeTruthy();
    await waitFor(async () => expect((await listItems(db, 'reasons', { branchId: harbour.id })).find((r) => r.id === 'door-was-locked')!.active).toBe(false));
    expect(await within(reasons).findByRole('button', { name: t('dashboard.setup.activateNamed', { label: LABELS.en }) })).toBeTruthy();
  });

  it("given Nanjing Road's manager in 简体中文, then their branch is implied; they edit a topic's four labels and its kinds, and add a topic", async () => {
    const { server, nanjing, manager } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { path: '/dashboard/setup', language: 'zh-Hans' });
    const { t } = dashboard;
    await dashboard.signIn(manager.staffNumber);
    await dashboard.page('dashboard.nav.setup');
    const topics = await screen.findByRole('region', { name: t('dashboard.setup.topics.title') });
    const [first] = await listItems(db, 'topics', { branchId: nanjing.id });
    expect(within(topics).getByText(first!.labels['zh-Hans'])).toBeTruthy();
    // The other languages' labels are shown too, each marked with its language.
    expect(topics.querySelector(`[lang="en"]`)!.textContent).toBe(first!.labels.en);

    await dashboard.press(t('dashboard.setup.editNamed', { label: first!.labels['zh-Hans'] }));
    const heading = await within(topics).findByRole('heading', { name: t('dashboard.setup.topics.editTitle', { label: first!.labels['zh-Hans'] }) });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    const form = heading.closest('div')!;
    const en = within(form).getByLabelText(t('dashboard.setup.labelIn.en'));
    await dashboard.tabToElement(en, 'the English label');
    await dashboard.user.clear(en);
    await dashboard.user.keyboard('Queues');
    const praise = within(form).getByRole('checkbox', { name: t('dashboard.setup.topics.offered.praise') });
    await dashboard.tabToElement(praise, 'praise');
    await dashboard.user.keyboard(' ');
    await dashboard.press(t('dashboard.setup.save'));
    expect(await screen.findByText(t('dashboard.setup.topics.saved', { label: first!.labels['zh-Hans'] }))).toBeTruthy();
    await waitFor(async () =>
      expect((await listItems(db, 'topics', { branchId: nanjing.id }))[0]).toMatchObject({ labels: { ...first!.labels, en: 'Queues' }, kinds: ['complaint', 'suggestion', 'question'] }),
    );

    // A topic offered for nothing is refused next to the kinds.
    const add = screen.getByRole('heading', { name: t('dashboard.setup.topics.addTitle') }).closest('div')!;
    for (const [language, label] of Object.entries(LABELS)) {
      const field = within(add).getByLabelText(t(`dashboard.setup.labelIn.${language}`));
      await dashboard.tabToElement(field, language);
      await dashboard.user.keyboard(label);
    }
    for (const kind of ['complaint', 'suggestion', 'praise', 'question']) {
      await dashboard.tabToElement(within(add).getByRole('checkbox', { name: t(`dashboard.setup.topics.offered.${kind}`) }), kind);
      await dashboard.user.keyboard(' ');
    }
    await dashboard.press(t('dashboard.setup.topics.add'));
    expect(await within(add).findByText(t('dashboard.setup.topics.errors.offeredEmpty'))).toBeTruthy();
    await dashboard.tabToElement(within(add).getByRole('checkbox', { name: t('dashboard.setup.topics.offered.complaint') }), 'complaint');
    await dashboard.user.keyboard(' ');
    await dashboard.press(t('dashboard.setup.topics.add'));
    expect(await screen.findByText(t('dashboard.setup.topics.added', { label: LABELS['zh-Hans'] }))).toBeTruthy();
    await waitFor(async () => expect((await listItems(db, 'topics', { branchId: nanjing.id })).at(-1)).toMatchObject({ labels: LABELS, kinds: ['complaint'], active: true }));
  });
});
