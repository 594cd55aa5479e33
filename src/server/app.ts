import type { ServerOptions as HttpsOptions } from 'node:https';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { MAX_BODY_BYTES } from '../domain/wire.ts';
import type { Database } from './db/schema.ts';
import { handleError, handleFrameworkError, handleNotFound } from './errors.ts';
import { ATTEMPT_LIMITS, type AttemptLimits } from './plugins/attempt-limits.ts';
import { closeConnectionsWhenClosing } from './plugins/close-connections.ts';
import { createPushAdmission, PUSH_ADMISSION, type PushAdmission, type PushAdmissionLimits } from './plugins/push-admission.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { caseEventRoutes } from './routes/case-events.ts';
import { alertRoutes, type AlertStreamTimes } from './routes/alerts.ts';
import { staffAlertRoutes } from './routes/staff-alerts.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { dayCloseRoutes } from './routes/day-close.ts';
import { deviceTokenRoutes } from './routes/device-token.ts';
import { enrollRoutes } from './routes/enroll.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { healthRoutes } from './routes/health.ts';
import { manageRoutes } from './routes/manage.ts';
import { manageNetworkRoutes } from './routes/manage-network.ts';
import { manageTabletsRoutes } from './routes/manage-tablets.ts';
import { manageSetupRoutes } from './routes/manage-setup.ts';
import { manageAccountsRoutes } from './routes/manage-accounts.ts';
import { manageAlertRulesRoutes } from './routes/manage-alert-rules.ts';
import { manageWebhooksRoutes } from './routes/manage-webhooks.ts';
import { manageEmailRoutes } from './routes/manage-email.ts';
import { manageQueueRoutes } from './routes/manage-queue.ts';
import { manageSurveysRoutes } from './routes/manage-surveys.ts';
import { surveyCardsRoutes } from './routes/survey-cards.ts';
import { surveyPhoneRoutes } from './routes/survey-phone.ts';
import { queueRoutes } from './routes/queue.ts';
import { dayCloseReportRoutes, reportRoutes } from './routes/reports.ts';
import { ratingExclusionRoutes } from './routes/rating-exclusions.ts';
import { reviewRoutes } from './routes/review.ts';
import { sessionRoutes } from './routes/session.ts';
import { staffSessionRoutes } from './routes/staff-session.ts';
import { syncRoutes } from './routes/sync.ts';
import { spaFallback, staticFiles } from './static.ts';
import type { Mailer, SmtpConfig } from './services/email.ts';

export type AppOptions = {
  db: Kysely<Database>;
  /** Fastify's logger options; off unless given. */
  logger?: FastifyServerOptions['logger'];
  /** The built PWA to serve beside the API; none when absent. */
  staticDir?: string;
  /** The server clock, for receivedAt and serverTime; tests pass a fixed one. */
  now?: () => number;
  /** Certificate and key: tablets on a LAN need a secure context for service workers. */
  https?: HttpsOptions;
  /**
   * Fastify's trustProxy: which reverse proxies' X-Forwarded-For/-Proto to believe (TRUST_PROXY).
   * Attempt limits count by client address, and HSTS and the Secure cookie follow HTTPS.
   */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Limits on failed enrollments and sign-ins; ATTEMPT_LIMITS unless changed. */
  attemptLimits?: Partial<AttemptLimits>;
  /** How many pushes are handled at once and may wait; PUSH_ADMISSION unless changed. */
  pushAdmission?: Partial<PushAdmissionLimits>;
  /** The admission itself, made by the caller to read its stats(); made from pushAdmission unless given. */
  admission?: PushAdmission;
  /** How often the alerts' live stream reads the table and checks the session; ALERT_STREAM_TIMES unless changed (tests). */
  alertStream?: Partial<AlertStreamTimes>;
  /** The SMTP server of the environment (SMTP_URL, SMTP_FROM; decision 0025); none when absent. */
  smtp?: SmtpConfig | null;
  /** What sends the E-mail page's test message; made from `smtp` unless given. */
  mailer?: Mailer | null;
};

/**
 * Tokens travel in the Authorization header, the enrollment answer and the session cookie;
 * passwords in the dashboard's sign-in; customers' contact details in opinions: never log
 * them. Fastify logs no headers or bodies, and no route puts a secret in a URL; these paths
 * guard against a log line made with one (tests/server/hostile/logs.test.ts greps a full run).
 */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-staff-session"]',
  'res.headers["set-cookie"]',
  'res.body.token',
  '*.token',
  'req.body.password',
  '*.password',
  '*.pin',
  '*.contact',
  '*.phone',
  '*.email',
];

/** Builds the server: one plugin per concern, made fresh by each call and kept in no module, so no two tests share one. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, staticDir, now = Date.now } = options;
  const limits = { ...ATTEMPT_LIMITS, ...options.attemptLimits };
  const app = createFastify(options);
  app.setErrorHandler(handleError);
  // Before any route or plugin, so that every answer inherits it: pages, API, files, 404s.
  securityHeaders(app);
  closeConnectionsWhenClosing(app);
  // Set before the static plugin, which calls it for missing files and inherits it.
  app.setNotFoundHandler(staticDir ? spaFallback(staticDir, handleNotFound) : handleNotFound);
  await app.register(healthRoutes, { prefix: '/api', db });
  await app.register(enrollRoutes, { prefix: '/api', db, now, limits });
  const admission = options.admission ?? createPushAdmission({ ...PUSH_ADMISSION, ...options.pushAdmission });
  await app.register(syncRoutes, { prefix: '/api/sync', db, now, admission });
  await app.register(staffSessionRoutes, { prefix: '/api', db, now, limits });
  await app.register(caseEventRoutes, { prefix: '/api', db, now });
  await app.register(reviewRoutes, { prefix: '/api', db, now });
  await app.register(deviceTokenRoutes, { prefix: '/api', db, now });
  await app.register(dayCloseRoutes, { prefix: '/api', db, now });
  // Queue systems post ticket events with a key of their branch (decision 0027).
  await app.register(queueRoutes, { prefix: '/api/queue', db, now, limits });
  await app.register(staffAlertRoutes, { prefix: '/api', db, now });
  // The dashboard's session cookie (decision 0010); tablets use bearer tokens and no cookie.
  await app.register(fastifyCookie);
  await app.register(sessionRoutes, { prefix: '/api', db, now, secureCookies: options.https !== undefined, limits });
  await app.register(fleetRoutes, { prefix: '/api/reports', db, now });
  await app.register(reportRoutes, { prefix: '/api/reports', db, now });
  await app.register(dayCloseReportRoutes, { prefix: '/api/reports', db, now });
  await app.register(ratingExclusionRoutes, { prefix: '/api', db, now });
  await app.register(privacyRoutes, { prefix: '/api/privacy', db, now });
  await app.register(manageRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageNetworkRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageTabletsRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageSetupRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageAccountsRoutes, { prefix: '/api/manage', db, now });
  await app.register(alertRoutes, { prefix: '/api', db, now, stream: options.alertStream });
  await app.register(manageAlertRulesRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageWebhooksRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageEmailRoutes, { prefix: '/api/manage', db, now, smtp: options.smtp ?? null, ...(options.mailer === undefined ? {} : { mailer: options.mailer }) });
  await app.register(manageQueueRoutes, { prefix: '/api/manage', db, now });
  await app.register(manageSurveysRoutes, { prefix: '/api/manage', db, now });
  await app.register(surveyCardsRoutes, { prefix: '/api/manage', db, now });
  // The customer's phone page of a visit's survey code: HTML, no session, the code its only credential.
  await app.register(surveyPhoneRoutes, { db, now, limits });
  if (staticDir) await app.register(staticFiles, { root: staticDir });
  return app;
}

function createFastify({ logger = false, https, trustProxy = false }: AppOptions): FastifyInstance {
  const common = { logger, bodyLimit: MAX_BODY_BYTES, trustProxy, frameworkErrors: handleFrameworkError };
  // Fastify types an HTTPS instance apart from an HTTP one; routes use neither's specifics.
  return https ? (Fastify({ ...common, https }) as unknown as FastifyInstance) : Fastify(common);
}
