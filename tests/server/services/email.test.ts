import { describe, expect, it } from 'vitest';
import type { AlertView } from '../../../src/domain/alerts.ts';
import type { Labels } from '../../../src/domain/reports.ts';
import type { NotificationRow } from '../../../src/server/db/schema.ts';
import { inTransaction } from '../../../src/server/db/transaction.ts';
import { dashboardActor } from '../../../src/server/services/audit.ts';
import { createEmailDeliverer, NOT_CONFIGURED, readSmtpConfig } from '../../../src/server/services/email.ts';
import { addEmailRecipient } from '../../../src/server/services/email-recipients.ts';
import { EMAIL_TEXTS, formatTime } from '../../../src/server/services/email-texts.ts';
import { enqueueNotifications, type NotificationPayload } from '../../../src/server/services/notify.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, givenNetwork, HEAD_OFFICE_VIEWER, type GivenBranch } from '../reports/given.ts';
import { startSmtpServer } from '../smtp.ts';

const HQ = { viewer: HEAD_OFFICE_VIEWER, actor: dashboardActor(HEAD_OFFICE_VIEWER, '127.0.0.1') };
const BRANCH_NAME = 'Harbour <Road> & "Co"';

/** A dissatisfied rating's alert at Harbour Road, made at 09:12 and raised at 11:40: late. */
const anAlert = (branch: GivenBranch, overrides: Partial<AlertView> = {}): AlertView => ({
  id: '019ab000-0000-7000-8000-0000000a1e01',
  seq: 1,
  kind: 'dissatisfied',
  branchId: branch.id,
  branchName: BRANCH_NAME,
  counterId: branch.counterIds[0],
  counterName: 'Window 1',
  tellerId: branch.tellerIds[0],
  tellerName: 'Teller <11>',
  detail: { kind: 'dissatisfied', score: 'dissatisfied', reasonIds: ['waiting-time'] },
  occurredAt: Date.UTC(2026, 10, 23, 9, 12),
  raisedAt: Date.UTC(2026, 10, 23, 11, 40),
  late: true,
  level: 'branch',
  escalateAt: null,
  acknowledged: null,
  caseId: null,
  ...overrides,
});

describeEachDatabase('e-mail through an SMTP server', (kind) => {
  const database = useTestDatabase(kind);

  /** Harbour Road renamed with characters HTML must escape; a Spanish recipient of its alerts; one alert event queued for them. */
  async function given(alert?: Partial<AlertView>) {
    const { db } = database.current;
    const [harbour] = await givenNetwork(db);
    await db.updateTable('branches').set({ name: BRANCH_NAME }).where('id', '=', BRANCH_A).execute();
    const added = await addEmailRecipient(db, HQ, { name: 'Lucía', address: 'lucia@bank.example', language: 'es', branchId: BRANCH_A, events: ['alert-raised'] }, SERVER_NOW);
    if (!added.ok) throw new Error(added.message);
    const payload: NotificationPayload = { event: 'alert-raised', alert: anAlert(harbour!, alert) };
    await inTransaction(db, (trx) => enqueueNotifications(trx, { kind: 'alert-event', id: '1', branchId: BRANCH_A, regionId: null }, payload, SERVER_NOW));
    const notification = (await db.selectFrom('notifications').selectAll().where('channel', '=', 'email').executeTakeFirstOrThrow()) as NotificationRow;
    return { db, notification, harbour: harbour! };
  }

  it('given an alert for a recipient who reads Spanish, when it is delivered, then the SMTP server gets it from SMTP_FROM with the Spanish subject and text, marked late with its real time, the names escaped in the HTML and the password checked', async () => {
    const { db, notification } = await given();
    const smtp = await startSmtpServer();
    const outcome = await createEmailDeliverer(db, smtp.config)(notification);
    expect(outcome).toEqual({ ok: true, statusCode: null });

    expect(smtp.received).toHaveLength(1);
    const [{ to, user, mail }] = smtp.received as [(typeof smtp.received)[number]];
    expect(to).toEqual(['lucia@bank.example']);
    expect(user).toBe('branchvoice');
    expect(mail.from?.value).toEqual([{ name: 'BranchVoice', address: 'alerts@bank.example' }]);
    expect(mail.subject).toBe(`Alerta con retraso en ${BRANCH_NAME}: Cliente insatisfecho`);

    const waiting = await db.selectFrom('reasons').select('labels').where('branch_id', '=', BRANCH_A).where('id', '=', 'waiting-time').executeTakeFirstOrThrow();
    const madeAt = formatTime(Date.UTC(2026, 10, 23, 9, 12), 'Europe/Madrid', 'es');
    const raisedAt = formatTime(Date.UTC(2026, 10, 23, 11, 40), 'Europe/Madrid', 'es');
    expect(madeAt).toContain('10:12');
    const text = mail.text ?? '';
    expect(text).toContain('Una alerta nueva');
    expect(text).toContain('Alerta: Cliente insatisfecho');
    expect(text).toContain('Qué: Insatisfecho');
    expect(text).toContain(`Motivos: ${(JSON.parse(waiting.labels) as Labels).es}`);
    expect(text).toContain(`Oficina: ${BRANCH_NAME}`);
    expect(text).toContain('Ventanilla: Window 1');
    expect(text).toContain('Cajero: Teller <11>');
    expect(text).toContain(`Hora: CON RETRASO: ocurrió el ${madeAt} y no llegó al servidor hasta el ${raisedAt}`);

    const html = String(mail.html);
    expect(html).toContain('Harbour &lt;Road&gt; &amp; &quot;Co&quot;');
    expect(html).toContain('Teller &lt;11&gt;');
    expect(html).not.toContain('<Road>');
    expect(html).not.toContain('<11>');
    expect(html).toContain('lang="es"');
  });

  it('given an SMTP server that refuses the recipient, when the alert is delivered, then the deliverer answers a failure with what the server said and does not throw', async () => {
    const { db, notification } = await given({ late: false });
    const smtp = await startSmtpServer({ refuse: 'No such mailbox here' });
    const outcome = await createEmailDeliverer(db, smtp.config)(notification);
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ statusCode: null, error: expect.stringContaining('No such mailbox here') });
    expect(smtp.received).toHaveLength(0);
  });

  it('given a wrong password, no SMTP server, or a recipient turned off, then the deliverer answers a failure that says which', async () => {
    const { db, notification } = await given({ late: false });
    const smtp = await startSmtpServer();
    const wrong = await createEmailDeliverer(db, { ...smtp.config, password: 'not it' })(notification);
    expect(wrong).toMatchObject({ ok: false, error: expect.stringMatching(/535|auth/i) });
    expect(await createEmailDeliverer(db, null)(notification)).toEqual({ ok: false, statusCode: null, error: NOT_CONFIGURED });
    await db.updateTable('email_recipients').set({ enabled: 0 }).execute();
    expect(await createEmailDeliverer(db, smtp.config)(notification)).toMatchObject({ ok: false, error: expect.stringContaining('turned off') });
    expect(smtp.received).toHaveLength(0);
  });
});

describe('the SMTP settings and the e-mail texts', () => {
  it('reads SMTP_URL and SMTP_FROM: STARTTLS demanded beyond this machine, TLS for smtps, clear only on loopback; a wrong value is a sentence naming the variable', () => {
    expect(readSmtpConfig({})).toEqual({ ok: true, value: null });
    expect(readSmtpConfig({ SMTP_URL: 'smtp://alerts%40bank:p%40ss@mail.bank.example', SMTP_FROM: 'alerts@bank.example' })).toEqual({
      ok: true,
      value: { host: 'mail.bank.example', port: 587, security: 'starttls', user: 'alerts@bank', password: 'p@ss', from: 'alerts@bank.example' },
    });
    expect(readSmtpConfig({ SMTP_URL: 'smtps://mail.bank.example', SMTP_FROM: 'BranchVoice <alerts@bank.example>' })).toMatchObject({ ok: true, value: { port: 465, security: 'tls', user: null, password: null } });
    expect(readSmtpConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_FROM: 'alerts@bank.example' })).toMatchObject({ ok: true, value: { port: 2525, security: 'none' } });
    expect(readSmtpConfig({ SMTP_URL: 'http://mail.bank.example', SMTP_FROM: 'a@b.example' })).toMatchObject({ ok: false, message: expect.stringContaining('SMTP_URL') });
    expect(readSmtpConfig({ SMTP_URL: 'not a url', SMTP_FROM: 'a@b.example' })).toMatchObject({ ok: false, message: expect.stringContaining('SMTP_URL') });
    expect(readSmtpConfig({ SMTP_URL: 'smtp://mail.bank.example' })).toMatchObject({ ok: false, message: expect.stringContaining('SMTP_FROM') });
    expect(readSmtpConfig({ SMTP_URL: 'smtp://mail.bank.example', SMTP_FROM: 'nobody' })).toMatchObject({ ok: false, message: expect.stringContaining('SMTP_FROM') });
  });

  it('has every text in all four languages, each translated', () => {
    const keysOf = (tree: object, prefix = ''): string[] =>
      Object.entries(tree).flatMap(([key, value]) => (typeof value === 'object' ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`]));
    const english = keysOf(EMAIL_TEXTS.en).sort();
    for (const language of ['es', 'zh-Hans', 'zh-Hant'] as const) {
      expect(keysOf(EMAIL_TEXTS[language]).sort()).toEqual(english);
      expect(EMAIL_TEXTS[language].kind).not.toEqual(EMAIL_TEXTS.en.kind);
    }
  });
});
