import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { HEAD_OFFICE, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import {
  EmailRecipientAddSchema,
  EmailRecipientEditSchema,
  EmailRecipientParamsSchema,
  EmailTestSchema,
  type EmailRecipientsView,
  type EmailRecipientView,
  type EmailStatus,
  type EmailTestResult,
} from '../../domain/manage-email.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor, recordAudit } from '../services/audit.ts';
import { createMailer, NOT_CONFIGURED, type Mailer, type SmtpConfig } from '../services/email.ts';
import { addEmailRecipient, editEmailRecipient, listEmailRecipients, type RecipientActor } from '../services/email-recipients.ts';
import { testEmail } from '../services/email-texts.ts';

export type ManageEmailRoutesOptions = {
  db: Kysely<Database>;
  now: () => number;
  /** The SMTP server of the environment (SMTP_URL, SMTP_FROM); null when none is set. */
  smtp: SmtpConfig | null;
  /** What sends; made from `smtp` unless given. */
  mailer?: Mailer | null;
};

/** Who may send a test message: those who oversee more than one branch, so a branch's manager cannot make the server write to any address. */
const mayTest = (viewer: Viewer): boolean => viewer.role === HEAD_OFFICE || viewer.role === REGIONAL_MANAGER;

/**
 * Manage › E-mail, under /api/manage (services/email-recipients.ts, services/email.ts): the
 * e-mail recipients a viewer may manage, whether the server can send e-mail, and a test
 * message. A session and a report role first (guardReports); every body a strict schema
 * whose message names the field. The SMTP server is the environment's: nothing here sets it,
 * and nothing here shows its user name or password.
 */
export const manageEmailRoutes: FastifyPluginAsync<ManageEmailRoutesOptions> = async (app, { db, now, smtp, mailer = smtp && createMailer(smtp) }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): RecipientActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });

  /** GET /api/manage/email-recipients: those the viewer may manage. */
  app.get<{ Reply: EmailRecipientsView }>('/email-recipients', async (request) => listEmailRecipients(db, request.viewer));

  /** POST /api/manage/email-recipients ({ name, address, language, regionId?, branchId?, events }). */
  app.post<{ Reply: EmailRecipientView | ApiError }>('/email-recipients', async (request, reply) => {
    const body = v.safeParse(EmailRecipientAddSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const added = await addEmailRecipient(db, by(request), body.output, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ recipientId: added.value.id, by: request.viewer.staffNumber }, 'e-mail recipient added on the dashboard');
    return added.value;
  });

  /** PATCH /api/manage/email-recipients/:id: any of its fields, and whether it is on. */
  app.patch<{ Reply: EmailRecipientView | ApiError }>('/email-recipients/:id', async (request, reply) => {
    const params = v.safeParse(EmailRecipientParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(EmailRecipientEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const edited = await editEmailRecipient(db, by(request), params.output.id, body.output, now());
    if (!edited.ok) return sendApiError(reply, edited.reason, edited.message);
    request.log.info({ recipientId: edited.value.id, by: request.viewer.staffNumber }, 'e-mail recipient edited on the dashboard');
    return edited.value;
  });

  /** GET /api/manage/email/status: whether e-mail can be sent, through which server and from which address. */
  app.get<{ Reply: EmailStatus }>('/email/status', async (request) => ({
    configured: smtp !== null,
    host: smtp?.host ?? null,
    port: smtp?.port ?? null,
    security: smtp?.security ?? null,
    from: smtp?.from ?? null,
    mayTest: mayTest(request.viewer),
  }));

  /** POST /api/manage/email/test ({ address, language? }): a test message now; answers what the SMTP server said. */
  app.post<{ Reply: EmailTestResult | ApiError }>('/email/test', async (request, reply: FastifyReply) => {
    if (!mayTest(request.viewer)) return sendApiError(reply, 'forbidden', `A test e-mail is for head office and regional managers; ${request.viewer.staffNumber} is signed in as ${request.viewer.role}.`);
    const body = v.safeParse(EmailTestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    if (!smtp || !mailer) return sendApiError(reply, 'conflict', NOT_CONFIGURED);
    const outcome = await mailer(body.output.address, testEmail(body.output.language ?? 'en', { host: `${smtp.host}:${smtp.port}`, from: smtp.from }));
    // Who made the server write to an outside address, and whether it went; never the address.
    await recordAudit(db, dashboardActor(request.viewer, request.ip), { action: 'email-test', subject: 'smtp', detail: { delivered: outcome.ok } }, now());
    request.log.info({ by: request.viewer.staffNumber, delivered: outcome.ok }, 'test e-mail sent from the dashboard');
    return { delivered: outcome.ok, error: outcome.ok ? null : outcome.error };
  });
};
