import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import * as v from 'valibot';
import type { Digest } from '../../domain/digest.ts';
import { isLanguage, type Language } from '../../domain/language.ts';
import { EmailAddressSchema } from '../../domain/manage-email.ts';
import type { Labels } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database, NotificationRow } from '../db/schema.ts';
import { alertEmail, digestEmail, type EmailMessage } from './email-texts.ts';
import type { Deliverer, DeliveryOutcome, NotificationPayload, ToldAlert } from './notify.ts';

/**
 * E-mail through the SMTP server the server's environment names (decision 0025): SMTP_URL
 * (`smtp://user:pass@host:587`, `smtps://user:pass@host:465`) and SMTP_FROM (the sender's
 * address). Set there, not on the dashboard: it holds a password, and the dashboard only ever
 * shows the host, the port and the sender. nodemailer speaks SMTP; this module writes each
 * notification in its recipient's language (email-texts.ts) and answers what the SMTP server
 * said, never throwing for its refusal: the delivery worker logs it and tries again later.
 */

/** How the connection is protected: TLS from the first byte, STARTTLS demanded before anything is sent, or none (a relay on this machine only). */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';

export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string | null;
  password: string | null;
  /** The From header: an address, or `Name <address>`. */
  from: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The SMTP settings of the environment; null when SMTP_URL is unset (no e-mail is sent); a sentence naming the variable when wrong. */
export function readSmtpConfig(env: NodeJS.ProcessEnv): Result<SmtpConfig | null, 'invalid-config'> {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return ok(null);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err('invalid-config', 'SMTP_URL must be a URL such as smtp://user:password@mail.bank.example:587 or smtps://user:password@mail.bank.example:465.');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return err('invalid-config', `SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS), not ${url.protocol}//.`);
  if (!url.hostname) return err('invalid-config', 'SMTP_URL must name the SMTP server, as in smtp://mail.bank.example:587.');
  const tls = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : tls ? 465 : 587;
  // A relay on this machine may speak in clear: nothing crosses the network. Anywhere else a
  // password and the messages would, so the connection must turn to TLS before either is sent.
  const security: SmtpSecurity = tls ? 'tls' : LOOPBACK_HOSTS.has(url.hostname) ? 'none' : 'starttls';
  const from = env.SMTP_FROM?.trim() ?? '';
  if (!fromAddressOf(from)) return err('invalid-config', 'SMTP_FROM must be the sender, an address such as branchvoice@bank.example or "BranchVoice <branchvoice@bank.example>", when SMTP_URL is set.');
  return ok({
    host: url.hostname,
    port,
    security,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    from,
  });
}

/** The address inside a From value (`a@b`, or `Name <a@b>`), when it is one. */
function fromAddressOf(from: string): string | null {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return v.is(EmailAddressSchema, address) ? address : null;
}

/** One message to one address, and what the SMTP server said. */
export type Mailer = (to: string, message: EmailMessage) => Promise<DeliveryOutcome>;

/** How long a slow SMTP server is waited for: well inside a delivery's lease. */
const CONNECT_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 30_000;
const MAX_ERROR_LENGTH = 1000;

/** A mailer over one nodemailer transport; each message opens its own connection, so nothing is held between deliveries. */
export function createMailer(config: SmtpConfig): Mailer {
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.security === 'tls',
    requireTLS: config.security === 'starttls',
    ignoreTLS: config.security === 'none',
    auth: config.user === null ? undefined : { user: config.user, pass: config.password ?? '' },
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // What we send is our own text: nothing in it may make nodemailer read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return async (to, message) => {
    try {
      const info = await transport.sendMail({ from: config.from, to, subject: message.subject, text: message.text, html: message.html });
      if (info.rejected.length > 0) return { ok: false, statusCode: null, error: limit(`The SMTP server refused the recipient: ${String(info.response)}`) };
      return { ok: true, statusCode: null };
    } catch (error) {
      return { ok: false, statusCode: null, error: limit(error instanceof Error ? error.message : String(error)) };
    }
  };
}

const limit = (text: string): string => (text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text);

const failure = (error: string): DeliveryOutcome => ({ ok: false, statusCode: null, error });

export const NOT_CONFIGURED = 'No SMTP server is configured: set SMTP_URL and SMTP_FROM in the server\'s environment and restart it.';

/**
 * The e-mail channel's Deliverer (services/notify.ts): reads the notification's recipient,
 * writes the payload in their language and hands it to the SMTP server. Without an SMTP
 * server, or for a recipient since removed or turned off, it answers a failure that says so.
 */
export function createEmailDeliverer(db: Kysely<Database>, config: SmtpConfig | null, mailer: Mailer | null = config && createMailer(config)): Deliverer {
  return async (notification: NotificationRow) => {
    if (notification.channel !== 'email') return failure(`The e-mail deliverer was given a ${notification.channel} notification.`);
    if (!mailer) return failure(NOT_CONFIGURED);
    const recipient = await db.selectFrom('email_recipients').select(['address', 'language', 'enabled']).where('id', '=', notification.target_id).executeTakeFirst();
    if (!recipient) return failure(`The e-mail recipient ${notification.target_id} no longer exists.`);
    if (recipient.enabled !== 1) return failure(`The e-mail recipient ${notification.target_id} is turned off on the E-mail page.`);
    const language: Language = isLanguage(recipient.language) ? recipient.language : 'en';
    const message = await writeNotification(db, JSON.parse(notification.body) as NotificationPayload, language);
    return mailer(recipient.address, message);
  };
}

/** A notification's payload as an e-mail in `language`. */
export async function writeNotification(db: Kysely<Database>, payload: NotificationPayload, language: Language): Promise<EmailMessage> {
  if (payload.event === 'digest') return digestEmail(payload.digest as Digest, language);
  return alertEmail(payload.event, payload.alert, language, await alertContextOf(db, payload.alert));
}

async function alertContextOf(db: Kysely<Database>, alert: ToldAlert) {
  const [branch, reasons] = await Promise.all([
    db.selectFrom('branches').select('time_zone').where('id', '=', alert.branchId).executeTakeFirst(),
    db.selectFrom('reasons').select(['id', 'labels']).where('branch_id', '=', alert.branchId).execute(),
  ]);
  return { timeZone: branch?.time_zone ?? 'UTC', reasonLabels: new Map(reasons.map((r) => [r.id, JSON.parse(r.labels) as Labels])) };
}
