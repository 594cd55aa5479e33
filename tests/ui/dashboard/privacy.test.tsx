import { screen, waitFor, within } from '@testing-library/preact';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { consentTextOf } from '../../../src/domain/consent.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import type { CustomerData } from '../../../src/domain/privacy.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { recordAudit } from '../../../src/server/services/audit.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { caseEventAt, givenNetwork, opinionAt, push, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const HOUR = 3_600_000;
/** Intl puts a narrow no-break space before AM: compared as a plain one. */
const spaced = (text: string) => text.replace(/\s/g, ' ');
const CUSTOMER = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true, consentVersion: 1 } as const;
const WORDS = { complaint: 'Only one window was open at lunchtime.', suggestion: 'Please open earlier on Saturdays.', summary: 'Queue of an hour; call her back on 612 345 678' } as const;

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe("head office's privacy page, against the real server", { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /**
   * Lucía left two entries at Harbour Road with her phone: a complaint, from which a case was
   * opened and is still open, and a suggestion with no case. Head office (HQ1) and Harbour
   * Road's manager have accounts; the CLI once ran a purge under a name that a spreadsheet
   * would take for a formula.
   */
  async function given() {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const complaint = { ...opinionAt(harbour, SERVER_NOW - 3 * HOUR, { contact: CUSTOMER }), text: WORDS.complaint };
    const suggestion = { ...opinionAt(harbour, SERVER_NOW - 2 * HOUR, { contact: CUSTOMER, opinionKind: 'suggestion', topicId: 'premises' }), text: WORDS.suggestion };
    await push(db, harbour.lobby, [complaint, suggestion]);
    const caseId = uuidv7();
    await push(db, harbour.lobby, [
      caseEventAt(harbour, 'opened', caseId, SERVER_NOW - HOUR, { role: 'lobby-staff', channel: 'opinion-box', opinionId: complaint.id, summary: WORDS.summary }),
      caseEventAt(harbour, 'deadline-agreed', caseId, SERVER_NOW - HOUR + 60_000, { role: 'complaint-manager', dueAt: SERVER_NOW + 2 * 24 * HOUR }),
    ]);
    await recordAudit(db, { actor: '=HYPERLINK("http://x")', role: 'operator', verified: 'server-shell' }, { action: 'purge', subject: '-cli', detail: { opinions: 0 } }, SERVER_NOW - 4 * HOUR);
    await givenHeadOfficeAccount(database.current);
    const manager = await findTeller(db, harbour.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    return { server: await startDashboardServer(database.current), complaint, suggestion, caseId, managerNumber: manager!.staffNumber };
  }

  const auditActions = async () => (await database.current.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map((r) => r.action);

  async function signedInOnPrivacy(server: Awaited<ReturnType<typeof given>>['server'], language: 'en' | 'es' = 'en') {
    const dashboard = await givenDashboard(server, { path: '/dashboard/privacy', language });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.privacy');
    return dashboard;
  }

  /**
   * Picks how to find the customer (the radio group is reached by Tab; jsdom cannot walk it with
   * the arrows, which the e2e test does in Chromium), types it and presses Search.
   */
  async function search(dashboard: Awaited<ReturnType<typeof signedInOnPrivacy>>, by: 'reference' | 'phone' | 'email', value: string) {
    const group = screen.getByRole('group', { name: dashboard.t('dashboard.privacy.request.by') });
    const checked = within(group).getAllByRole('radio').find((r) => (r as HTMLInputElement).checked)!;
    await dashboard.tabToElement(checked, 'the chosen way to find a customer');
    const target = within(group).getByRole('radio', { name: dashboard.t(`dashboard.privacy.by.${by}`) }) as HTMLInputElement;
    if (!target.checked) await dashboard.user.click(target);
    expect(target.checked).toBe(true);
    await dashboard.type(dashboard.t(`dashboard.privacy.field.${by}`), value);
    await dashboard.press(dashboard.t('dashboard.privacy.request.search'));
  }

  const news = () => screen.getAllByRole('status').find((s) => s.classList.contains('privacy-news'))!;

  it("given Lucía's phone, when head office searches, then each entry and case reads as a person would, with her consent's very words, and the search is audited", async () => {
    const { server, complaint, suggestion, caseId } = await given();
    const dashboard = await signedInOnPrivacy(server);
    await search(dashboard, 'phone', '612 345 678');

    const found = dashboard.t('dashboard.privacy.found', { entries: dashboard.t('dashboard.privacy.n.entries_other', { n: 2 }), cases: dashboard.t('dashboard.privacy.n.cases_one', { n: 1 }) });
    await waitFor(() => expect(news().textContent).toBe(found));
    // The page read the audit log as it opened; then the search.
    expect(await auditActions()).toEqual(['purge', 'audit-export', 'customer-search']);

    const entry = screen.getByRole('article', { name: dashboard.t('dashboard.privacy.entry.title', { reference: complaint.referenceCode }) });
    const facts = Object.fromEntries(within(entry).getAllByRole('term').map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]));
    expect(facts).toMatchObject({
      [dashboard.t('dashboard.privacy.entry.kind')]: dashboard.t('dashboard.privacy.entryKind.complaint'),
      [dashboard.t('dashboard.privacy.entry.topic')]: 'Waiting and queues',
      [dashboard.t('dashboard.privacy.entry.branch')]: 'Harbour Road',
      [dashboard.t('dashboard.privacy.entry.words')]: WORDS.complaint,
      [dashboard.t('dashboard.privacy.entry.consent')]: `${dashboard.t('dashboard.privacy.consent.version', { version: 1 })}${consentTextOf(1, 'en')}`,
    });
    expect(facts[dashboard.t('dashboard.privacy.entry.when')]).toMatch(/^Nov 23, 2026, 7:00\sAM/);
    const contact = facts[dashboard.t('dashboard.privacy.entry.contact')]!;
    for (const line of [`Name: ${CUSTOMER.name}`, `Phone: ${CUSTOMER.phone}`, `E-mail: ${CUSTOMER.email}`, dashboard.t('dashboard.privacy.contact.wantsReply')]) expect(contact).toContain(line);
    expect(screen.getByRole('article', { name: dashboard.t('dashboard.privacy.entry.title', { reference: suggestion.referenceCode }) }).textContent).toContain(WORDS.suggestion);

    const held = screen.getByRole('article', { name: dashboard.t('dashboard.privacy.case.title', { id: caseId.slice(-8) }) });
    expect(held.textContent).toContain(dashboard.t('dashboard.privacy.case.fromEntry', { reference: complaint.referenceCode }));
    expect(held.textContent).toContain(dashboard.t('dashboard.caseStatus.open'));
    const steps = within(within(held).getByRole('list', { name: dashboard.t('dashboard.privacy.case.steps') })).getAllByRole('listitem');
    expect(steps.map((s) => s.querySelector('strong')!.textContent)).toEqual([dashboard.t('dashboard.privacy.step.opened'), dashboard.t('dashboard.privacy.step.deadline-agreed')]);
    expect(steps[0]!.textContent).toContain(dashboard.t('dashboard.role.lobby-staff'));
    expect(steps[0]!.textContent).toContain(dashboard.t('dashboard.channel.opinion-box'));
    expect(steps[0]!.textContent).toContain(WORDS.summary);
    expect(steps[1]!.textContent).toContain(dashboard.t('dashboard.role.complaint-manager'));
    expect(spaced(steps[1]!.textContent!)).toContain(dashboard.t('dashboard.privacy.fact.due', { at: 'Nov 25, 2026, 10:00 AM' }));
  });

  it('given a phone with too few digits, then the page says so in Spanish, marks the field, and never asks the server', async () => {
    const { server } = await given();
    const dashboard = await signedInOnPrivacy(server, 'es');
    await search(dashboard, 'phone', '612 34');
    const field = screen.getByLabelText(dashboard.t('dashboard.privacy.field.phone'));
    const problem = await screen.findByRole('alert');
    expect(problem.textContent).toBe(dashboard.t('dashboard.privacy.problem.phone-digits'));
    expect(problem.textContent).toBe('Un número de teléfono tiene al menos 7 dígitos.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')!.split(' ')).toContain(problem.id);
    expect(document.activeElement).toBe(field);
    // An e-mail that is not one: the same, in its own words.
    await search(dashboard, 'email', 'lucia');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(dashboard.t('dashboard.privacy.problem.email-format')));
    expect(screen.queryByRole('article')).toBeNull();
    expect(await auditActions()).toEqual(['purge', 'audit-export']);
  });

  it('given what was found, when head office downloads the JSON and prints, then both come from the export, which is audited as one, and the file is named with the date', async () => {
    const { server, complaint, suggestion, caseId } = await given();
    const dashboard = await signedInOnPrivacy(server);
    await search(dashboard, 'email', ' Lucia@Example.es ');
    await screen.findByRole('article', { name: dashboard.t('dashboard.privacy.entry.title', { reference: complaint.referenceCode }) });

    await dashboard.press(dashboard.t('dashboard.privacy.downloadJson'));
    const file = await dashboard.lastFile();
    expect(file.name).toBe('customer-data-2026-11-23.json');
    const exported = JSON.parse(file.text) as CustomerData & { exportedAt: string };
    expect(exported).toMatchObject({ exportedAt: new Date(SERVER_NOW).toISOString(), by: 'email', cases: [{ id: caseId, status: 'open' }] });
    expect(exported.entries.map((e) => [e.id, e.contact?.phone, e.consentGiven?.version])).toEqual([
      [complaint.id, CUSTOMER.phone, 1],
      [suggestion.id, CUSTOMER.phone, 1],
    ]);
    await waitFor(() => expect(news().textContent).toBe(dashboard.t('dashboard.privacy.downloaded', { file: file.name })));

    await dashboard.press(dashboard.t('dashboard.privacy.print'));
    await waitFor(() => expect(dashboard.handed.prints).toBe(1));
    // On paper, above the records: the export's time and how the customer was found.
    expect(spaced(document.querySelector('.print-only p:last-child')!.textContent!)).toBe(dashboard.t('dashboard.privacy.printedAt', { at: 'Nov 23, 2026, 10:00 AM', by: dashboard.t('dashboard.privacy.subjectBy.email') }));
    expect(await auditActions()).toEqual(['purge', 'audit-export', 'customer-search', 'customer-export', 'customer-export']);
  });

  it('given an open case, when head office erases, then a dialog says what it means first, Escape erases nothing, and the result says what was erased and what the open case keeps, and why', async () => {
    const { server, complaint, suggestion, caseId } = await given();
    const dashboard = await signedInOnPrivacy(server);
    await search(dashboard, 'phone', '+34612345678');
    await screen.findByRole('article', { name: dashboard.t('dashboard.privacy.entry.title', { reference: complaint.referenceCode }) });

    await dashboard.press(dashboard.t('dashboard.privacy.erase'));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.privacy.confirm.title') });
    for (const key of ['dashboard.privacy.confirm.undone', 'dashboard.privacy.confirm.figures', 'dashboard.privacy.confirm.open']) expect(dialog.textContent).toContain(dashboard.t(key));
    expect(dialog.textContent).toContain(dashboard.t('dashboard.privacy.confirm.openNow_one', { n: 1 }));
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: dashboard.t('dashboard.cancel') }));
    await dashboard.user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await auditActions()).not.toContain('customer-erasure');

    await dashboard.press(dashboard.t('dashboard.privacy.erase'));
    await dashboard.press(dashboard.t('dashboard.privacy.confirm.erase'));
    const title = await screen.findByRole('heading', { level: 3, name: dashboard.t('dashboard.privacy.erased.title') });
    await waitFor(() => expect(document.activeElement).toBe(title));
    const result = title.parentElement!;
    const counts = dashboard.t('dashboard.privacy.erased.counts', { entries: dashboard.t('dashboard.privacy.n.entries_one', { n: 1 }), cases: dashboard.t('dashboard.privacy.n.cases_other', { n: 0 }) });
    expect(result.textContent).toContain(counts);
    expect(news().textContent).toBe(counts);
    expect(within(result).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      `${dashboard.t('dashboard.privacy.entry.title', { reference: complaint.referenceCode })}: ${dashboard.t('dashboard.privacy.kept.case-open')}`,
      `${dashboard.t('dashboard.privacy.case.title', { id: caseId.slice(-8) })}: ${dashboard.t('dashboard.privacy.kept.case-open')}`,
    ]);
    expect(screen.queryByRole('article')).toBeNull();

    // The suggestion is erased: found by its reference, its words are a note, its contact details gone.
    await search(dashboard, 'reference', suggestion.referenceCode.toLowerCase());
    const entry = await screen.findByRole('article', { name: dashboard.t('dashboard.privacy.entry.title', { reference: suggestion.referenceCode }) });
    expect(entry.textContent).not.toContain(WORDS.suggestion);
    expect(entry.textContent).toContain(dashboard.t('dashboard.privacy.blanked'));
    expect(entry.textContent).toContain(dashboard.t('dashboard.privacy.contact.none'));
    expect(entry.textContent).not.toContain(CUSTOMER.phone);
  });

  it("given a reference code both branches gave, then the erasure asks which branch's customer it is and erases that branch's entry only", async () => {
    const { db } = database.current;
    const [harbour, nanjing] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const code = referenceCode(harbour.lobby.referencePrefix!, 4242);
    const inHarbour = { ...opinionAt(harbour, SERVER_NOW - HOUR, { contact: CUSTOMER }), referenceCode: code };
    const inNanjing = { ...opinionAt(nanjing, SERVER_NOW - HOUR, { contact: { ...CUSTOMER, name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '' } }), referenceCode: code };
    await push(db, harbour.lobby, [inHarbour]);
    await push(db, nanjing.lobby, [inNanjing]);
    await givenHeadOfficeAccount(database.current);
    const dashboard = await signedInOnPrivacy(await startDashboardServer(database.current));
    await search(dashboard, 'reference', code);
    await screen.findByText(dashboard.t('dashboard.privacy.sharedReference', { n: 2 }));

    await dashboard.press(dashboard.t('dashboard.privacy.erase'));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.privacy.confirm.title') });
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.privacy.confirm.erase') }));
    await within(dialog).findByText(dashboard.t('dashboard.privacy.confirm.chooseBranch'));
    expect(await auditActions()).not.toContain('customer-erasure');

    const branchChoice = within(dialog).getByRole('group', { name: dashboard.t('dashboard.privacy.confirm.branch') });
    await dashboard.user.click(within(branchChoice).getByRole('radio', { name: harbour.name }));
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.privacy.confirm.erase') }));
    await screen.findByRole('heading', { level: 3, name: dashboard.t('dashboard.privacy.erased.title') });
    const left = await db.selectFrom('opinions').select(['id', 'contact_phone']).orderBy('id').execute();
    expect(Object.fromEntries(left.map((r) => [r.id, r.contact_phone]))).toEqual({ [inHarbour.id]: null, [inNanjing.id]: '+852 9123 4567' });
  });

  it('given the last 30 days, then the audit log lists every act in the reader\'s words, and its CSV says the same with no cell a spreadsheet would run', async () => {
    const { server } = await given();
    const dashboard = await signedInOnPrivacy(server);
    await search(dashboard, 'phone', '612345678');
    await waitFor(() => expect(news().textContent).toMatch(/^Found/));
    await dashboard.press(dashboard.t('dashboard.privacy.audit.show'));

    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.privacy.audit.table') });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + 3));
    // Newest first: the page's first read of the log and the search (the same minute, in the order they were made), then the CLI's purge.
    // Pressing Show is recorded as it answers: the next read will list it.
    const rows = within(table).getAllByRole('row').slice(1);
    const act = (row: HTMLElement) => row.querySelectorAll('td')[0]!.textContent;
    expect(rows.map(act)).toEqual(['audit-export', 'customer-search', 'purge'].map((a) => dashboard.t(`dashboard.privacy.action.${a}`)));
    const search0 = rows[1]!;
    expect(search0.textContent).toContain('HQ1');
    expect(search0.textContent).toContain(dashboard.t('dashboard.role.head-office'));
    expect(search0.textContent).toContain(dashboard.t('dashboard.privacy.verified.dashboard-session'));
    expect(search0.textContent).toContain('127.0.0.1');
    expect(search0.textContent).toContain(dashboard.t('dashboard.privacy.subjectBy.phone'));
    // The row names the records found by short ids (random hex, which may hold any three digits), never the number searched for.
    expect(search0.textContent).not.toMatch(/612\D?345|345\D?678/);
    expect(rows[2]!.textContent).toContain(dashboard.t('dashboard.privacy.auditRole.operator'));
    expect(screen.getByText(dashboard.t('dashboard.privacy.audit.rows_other', { n: 3, days: 'Oct 25 – Nov 23, 2026' }))).toBeTruthy();

    await dashboard.press(`${dashboard.t('dashboard.table.export')}${dashboard.t('dashboard.table.exportOf', { title: dashboard.t('dashboard.privacy.audit.table') })}`);
    const csv = await dashboard.lastFile();
    expect(csv.name).toBe('audit-log-2026-10-25-2026-11-23.csv');
    expect(csv.bom).toBe(true);
    const [head, ...lines] = Papa.parse<string[]>(csv.text, { delimiter: ',', newline: '\r\n', skipEmptyLines: true }).data;
    expect(head).toEqual(['at', 'atUtc', 'action', 'actionCode', 'who', 'role', 'verified', 'deviceId', 'address', 'branch', 'subject', 'detail'].map((k) => dashboard.t(`dashboard.privacy.audit.${k}`)));
    expect(lines.map((l) => l[3])).toEqual(['audit-export', 'customer-search', 'purge']);
    expect(lines[1]!.slice(4, 11)).toEqual(['HQ1', dashboard.t('dashboard.role.head-office'), dashboard.t('dashboard.privacy.verified.dashboard-session'), '', '127.0.0.1', '', dashboard.t('dashboard.privacy.subjectBy.phone')]);
    // The CLI's actor and subject would run as formulas: they are text, behind a '.
    expect(lines[2]![4]).toBe(`'=HYPERLINK("http://x")`);
    expect(lines[2]![10]).toBe("'-cli");
    for (const cell of lines.flat()) expect(cell).not.toMatch(/^[=+\-@]/);

    await dashboard.press(`${dashboard.t('dashboard.privacy.downloadJson')}${dashboard.t('dashboard.table.exportOf', { title: dashboard.t('dashboard.privacy.audit.table') })}`);
    const json = await dashboard.lastFile();
    expect(json.name).toBe('audit-log-2026-10-25-2026-11-23.json');
    expect(JSON.parse(json.text)).toMatchObject({ from: '2026-10-25', to: '2026-11-23', more: false, rows: [{ action: 'purge' }, { action: 'audit-export' }, { action: 'customer-search' }] });

    // Days the wrong way round are refused on the page, in the reader's words.
    await dashboard.type(dashboard.t('dashboard.filters.from'), '2026-11-24');
    await dashboard.press(dashboard.t('dashboard.privacy.audit.show'));
    expect((await screen.findByRole('alert')).textContent).toBe(dashboard.t('dashboard.privacy.audit.problem.reversed'));
  });

  it('given the retention periods, then they read as sentences; and a branch manager is not offered the page at all', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await signedInOnPrivacy(server);
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.privacy.retention.title') });
    const rows = within(table).getAllByRole('row').slice(1).map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]);
    expect(rows[0]).toEqual([dashboard.t('dashboard.privacy.retention.field.contactDays'), dashboard.t('dashboard.privacy.retention.rule.contactDays', { days: '90 days' })]);
    expect(rows[3]).toEqual([dashboard.t('dashboard.privacy.retention.field.auditDays'), dashboard.t('dashboard.privacy.retention.rule.auditDays', { days: '1,826 days' })]);
    expect(rows).toHaveLength(6);
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.privacy') }).getAttribute('aria-current')).toBe('page');
    await dashboard.press(dashboard.t('dashboard.signOut'));

    await dashboard.signIn(managerNumber);
    await dashboard.page('dashboard.nav.overview');
    expect(screen.queryByRole('link', { name: dashboard.t('dashboard.nav.privacy') })).toBeNull();
    await waitFor(() => expect(location.pathname).toBe('/dashboard'));
  });
});
