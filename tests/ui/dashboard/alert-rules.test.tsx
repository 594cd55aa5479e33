import { screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it } from 'vitest';
import { effectiveAlertRules } from '../../../src/server/repositories/alert-rules.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

// A real server, scrypt at sign-in and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('alert rules on the dashboard, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    await database.current.db.deleteFrom('alert_rules').execute();
  });

  /** Harbour Road and Nanjing Road; head office HQ1 and Harbour Road's manager (1103). */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    await givenRosterAccount(database.current, (await findTeller(db, harbour.staff['branch-manager']))!);
    return { server: await startDashboardServer(database.current), harbour };
  }

  it("given head office in Spanish, when it types a burst count out of range, then the field says so in Spanish and nothing is saved; with a right one the network's rule is saved and announced, and a branch's own rule is saved and then removed", async () => {
    const { server, harbour } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { language: 'es', path: `/dashboard/alert-rules?branch=${harbour.id}` });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.alert-rules');
    expect(dashboard.t('dashboard.nav.alert-rules')).toBe('Reglas de alerta');
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.alert-rules') }).getAttribute('aria-current')).toBe('page');

    const network = await screen.findByRole('region', { name: dashboard.t('dashboard.alertRules.networkTitle') });
    const burstTitle = dashboard.t('dashboard.alertRules.kind.low-burst.title');
    const burst = within(network).getByRole('region', { name: burstTitle });
    expect(within(burst).getByText(dashboard.t('dashboard.alertRules.kind.low-burst.description'))).toBeTruthy();
    expect(within(burst).getByText(dashboard.t('dashboard.alertRules.sourceLabel', { source: dashboard.t('dashboard.alertRules.source.default') }))).toBeTruthy();

    const count = within(burst).getByLabelText(dashboard.t('dashboard.alertRules.param.count'), { selector: 'input' });
    await dashboard.tabToElement(count, 'the burst count');
    await dashboard.user.clear(count);
    await dashboard.user.keyboard('1');
    await dashboard.press(dashboard.t('dashboard.alertRules.saveNetwork', { kind: burstTitle }));
    const problem = dashboard.t('dashboard.alertRules.errors.range', { min: 2, max: 50 });
    expect(problem).toBe('Escriba un número entero de 2 a 50.');
    expect(await within(burst).findByText(problem)).toBeTruthy();
    expect(count.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(count));
    expect(await db.selectFrom('alert_rules').selectAll().execute()).toEqual([]);

    await dashboard.user.clear(count);
    await dashboard.user.keyboard('4');
    const minutes = within(burst).getByLabelText(dashboard.t('dashboard.alertRules.param.minutes'), { selector: 'input' });
    await dashboard.user.clear(minutes);
    await dashboard.user.type(minutes, '20');
    await dashboard.press(dashboard.t('dashboard.alertRules.saveNetwork', { kind: burstTitle }));
    const saved = dashboard.t('dashboard.alertRules.savedNetwork', { kind: burstTitle });
    // Announced: the line that says it is a polite live region.
    expect((await screen.findByText(saved)).getAttribute('role')).toBe('status');
    await waitFor(async () => expect((await effectiveAlertRules(db, [harbour.id])).get(harbour.id)!['low-burst']).toMatchObject({ params: { count: 4, minutes: 20 }, source: 'network' }));
    await waitFor(() =>
      expect(within(within(screen.getByRole('region', { name: dashboard.t('dashboard.alertRules.networkTitle') })).getByRole('region', { name: burstTitle })).getByText(dashboard.t('dashboard.alertRules.sourceLabel', { source: dashboard.t('dashboard.alertRules.source.network') }))).toBeTruthy(),
    );

    // Harbour Road's own rule for reasons: its reasons' labels in Spanish, as checkboxes.
    const branchRegion = screen.getByRole('region', { name: dashboard.t('dashboard.alertRules.branchTitle', { branch: harbour.name }) });
    const reasonsTitle = dashboard.t('dashboard.alertRules.kind.low-with-reasons.title');
    const reasons = within(branchRegion).getByRole('region', { name: reasonsTitle });
    await dashboard.user.click(within(reasons).getByRole('checkbox', { name: dashboard.t('dashboard.alertRules.enabled') }));
    await dashboard.user.click(within(reasons).getByRole('checkbox', { name: 'Esperé demasiado' }));
    const ack = within(reasons).getByLabelText(dashboard.t('dashboard.alertRules.ackMinutes'), { selector: 'input' });
    await dashboard.user.clear(ack);
    await dashboard.user.type(ack, '5');
    await dashboard.press(dashboard.t('dashboard.alertRules.saveBranch', { kind: reasonsTitle, branch: harbour.name }));
    expect(await screen.findByText(dashboard.t('dashboard.alertRules.savedBranch', { kind: reasonsTitle, branch: harbour.name }))).toBeTruthy();
    expect((await effectiveAlertRules(db, [harbour.id])).get(harbour.id)!['low-with-reasons']).toEqual({ kind: 'low-with-reasons', enabled: true, params: { reasonIds: ['waiting-time'] }, ackMinutes: 5, source: 'branch' });

    // Its own rule now: it says so, and offers to follow the network's again.
    const useNetwork = dashboard.t('dashboard.alertRules.useNetworkNamed', { kind: reasonsTitle, branch: harbour.name });
    await screen.findByRole('button', { name: useNetwork });
    expect(within(screen.getByRole('region', { name: dashboard.t('dashboard.alertRules.branchTitle', { branch: harbour.name }) })).getByText(dashboard.t('dashboard.alertRules.sourceLabel', { source: dashboard.t('dashboard.alertRules.source.branch') }))).toBeTruthy();
    await dashboard.press(useNetwork);
    expect(await screen.findByText(dashboard.t('dashboard.alertRules.cleared', { kind: reasonsTitle, branch: harbour.name }))).toBeTruthy();
    expect((await effectiveAlertRules(db, [harbour.id])).get(harbour.id)!['low-with-reasons'].source).toBe('default');
    expect((await readAudit(db, { from: 0, to: SERVER_NOW + 1, limit: 10 })).map((r) => r.action)).toEqual(['alert-rule-set', 'alert-rule-set', 'alert-rule-clear']);
  });

  it("given a branch manager, then they read the network's rules without changing them, and change their branch's own", async () => {
    const { server, harbour } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/alert-rules' });
    await dashboard.signIn('1103');
    await dashboard.page('dashboard.nav.alert-rules');
    const network = await screen.findByRole('region', { name: dashboard.t('dashboard.alertRules.networkTitle') });
    expect(within(network).getByText(dashboard.t('dashboard.alertRules.networkReadOnly'))).toBeTruthy();
    expect(within(network).queryAllByRole('button')).toEqual([]);
    const dissatisfiedTitle = dashboard.t('dashboard.alertRules.kind.dissatisfied.title');
    expect((within(within(network).getByRole('region', { name: dissatisfiedTitle })).getByRole('checkbox') as HTMLInputElement).disabled).toBe(true);

    const own = within(screen.getByRole('region', { name: dashboard.t('dashboard.alertRules.branchTitle', { branch: harbour.name }) })).getByRole('region', { name: dissatisfiedTitle });
    const ack = within(own).getByLabelText(dashboard.t('dashboard.alertRules.ackMinutes'), { selector: 'input' });
    await dashboard.user.clear(ack);
    await dashboard.user.type(ack, '3');
    await dashboard.press(dashboard.t('dashboard.alertRules.saveBranch', { kind: dissatisfiedTitle, branch: harbour.name }));
    expect(await screen.findByText(dashboard.t('dashboard.alertRules.savedBranch', { kind: dissatisfiedTitle, branch: harbour.name }))).toBeTruthy();
    expect((await effectiveAlertRules(database.current.db, [harbour.id])).get(harbour.id)!.dissatisfied).toMatchObject({ ackMinutes: 3, source: 'branch' });
  });
});
