import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { zonedDateTime } from '../../../src/ui/dashboard/format.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const DAY_MS = 24 * 3_600_000;

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe('enroll tablets on the dashboard, against the real server', { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) and Nanjing Road (Shanghai), two counters each; head office HQ1, and Nanjing Road's manager. */
  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    const manager = await findTeller(database.current.db, nanjing.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    return { server: await startDashboardServer(database.current), harbour, nanjing, managerNumber: manager!.staffNumber };
  }

  /** The cards of the sheet, by their place's heading. */
  const cardsOf = (sheet: HTMLElement) => within(sheet).getAllByRole('listitem');

  it('given head office in English, when it picks a branch and makes the codes, then the sheet has a QR code, the place, the code and the expiry for every counter and the lobby, each code enrolls, and Print prints', async () => {
    const { server, harbour } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/enroll' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.enroll');
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.enroll') }).getAttribute('aria-current')).toBe('page');
    // No branch yet: nothing to make.
    expect(screen.getByText(dashboard.t('dashboard.enroll.pickBranch'))).toBeTruthy();
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.enroll.make') })).toBeNull();
    // No period on a page that makes codes now.
    expect(screen.queryByLabelText(dashboard.t('dashboard.filters.period'))).toBeNull();

    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    for (const rule of ['once', 'expiry', 'key', 'again']) expect(screen.getByText(dashboard.t(`dashboard.enroll.${rule}`))).toBeTruthy();
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.enroll.print') })).toBeNull();
    await dashboard.press(dashboard.t('dashboard.enroll.make'));

    const sheet = await screen.findByRole('region', { name: dashboard.t('dashboard.enroll.sheetTitle', { branch: harbour.name }) });
    await waitFor(() => expect(document.activeElement).toBe(within(sheet).getByRole('heading', { level: 2 })));
    const expires = dashboard.t('dashboard.enroll.expires', { at: zonedDateTime(SERVER_NOW + DAY_MS, 'en', harbour.timeZone) });
    const places = [...harbour.counterNames, dashboard.t('dashboard.enroll.lobby')];
    const cards = cardsOf(sheet);
    expect(cards.map((card) => within(card).getByRole('heading', { level: 3 }).textContent)).toEqual(places);
    const codes: string[] = [];
    for (const [i, card] of cards.entries()) {
      const qr = within(card).getByRole('img', { name: dashboard.t('dashboard.enroll.qrAlt', { place: places[i]! }) }) as HTMLImageElement;
      expect(qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww\.w3\.org%2F2000%2Fsvg%22/);
      const code = card.querySelector('.enroll-code')!.textContent!;
      expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      expect(decodeURIComponent(qr.getAttribute('src')!)).toContain(code);
      expect(within(card).getByText(expires)).toBeTruthy();
      codes.push(code);
    }
    expect(within(sheet).getAllByText(expires).length).toBeGreaterThanOrEqual(cards.length);

    // Each code is real: the first counter's enrolls a tablet at that counter.
    const enrolled = await enrollDevice(database.current.db, { code: codes[0]! }, SERVER_NOW + 60_000);
    expect(enrolled.ok && enrolled.value.config.counter?.id).toBe(harbour.counterIds[0]);

    await dashboard.press(dashboard.t('dashboard.enroll.print'));
    expect(dashboard.handed.prints).toBe(1);
  });

  it("given Nanjing Road's manager in 繁體中文, when they open Enroll tablets, then their branch is implied, and the codes, the sheet and Print are in their language", async () => {
    const { server, nanjing, managerNumber } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/enroll', language: 'zh-Hant' });
    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.enroll');
    expect(screen.getByText(dashboard.t('dashboard.enroll.intro'))).toBeTruthy();
    expect(screen.queryByText(dashboard.t('dashboard.enroll.pickBranch'))).toBeNull();

    await dashboard.press(dashboard.t('dashboard.enroll.make'));
    const sheet = await screen.findByRole('region', { name: dashboard.t('dashboard.enroll.sheetTitle', { branch: nanjing.name }) });
    const lobby = dashboard.t('dashboard.enroll.lobby');
    expect(cardsOf(sheet).map((card) => within(card).getByRole('heading', { level: 3 }).textContent)).toEqual([...nanjing.counterNames, lobby]);
    expect(within(sheet).getByRole('img', { name: dashboard.t('dashboard.enroll.qrAlt', { place: lobby }) })).toBeTruthy();
    expect(within(sheet).getAllByText(dashboard.t('dashboard.enroll.code'))).toHaveLength(3);
    expect(within(sheet).getAllByText(dashboard.t('dashboard.enroll.expires', { at: zonedDateTime(SERVER_NOW + DAY_MS, 'zh-Hant', nanjing.timeZone) })).length).toBeGreaterThanOrEqual(3);
    expect(sheet.textContent).toContain(dashboard.t('dashboard.enroll.sheetNote'));

    await dashboard.press(dashboard.t('dashboard.enroll.print'));
    expect(dashboard.handed.prints).toBe(1);
  });
});
