import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { HEAD_OFFICE } from '../../domain/access.ts';
import {
  AUDIT_PAGE_MAX,
  AuditQuerySchema,
  CustomerQuerySchema,
  DAY_MS,
  EraseRequestSchema,
  type AuditPage,
  type CustomerData,
  type Erasure,
  type Retention,
} from '../../domain/privacy.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor, readAudit, recordAudit, type Actor } from '../services/audit.ts';
import { eraseCustomerData, findCustomerData } from '../services/customer-requests.ts';
import { readRetention } from '../services/privacy.ts';

export type PrivacyRoutesOptions = { db: Kysely<Database>; now: () => number };

/** Who is acting, as the server checked them: the dashboard account, from its address. */
const actorOf = (request: FastifyRequest): Actor => dashboardActor(request.viewer, request.ip);

/**
 * Head office's privacy desk (docs/privacy.md): a customer's search, export and erasure, and
 * the audit log. Head office only: a branch manager handles complaints, not the network's
 * data-protection requests. A customer is asked for in a POST body, never in a URL, so their
 * phone or e-mail never reaches an access log.
 */
export const privacyRoutes: FastifyPluginAsync<PrivacyRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.viewer.role !== HEAD_OFFICE) {
      return sendApiError(reply, 'forbidden', `Customers' data requests and the audit log are for head office; ${request.viewer.staffNumber} is signed in as ${request.viewer.role}.`);
    }
  });

  /** POST /api/privacy/customer/search { reference | phone | email }: what is held about them. */
  app.post<{ Reply: CustomerData | ApiError }>('/customer/search', async (request, reply) => {
    const query = v.safeParse(CustomerQuerySchema, request.body);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    return findCustomerData(db, query.output, actorOf(request), now(), 'customer-search');
  });

  /** POST /api/privacy/customer/export { reference | phone | email }: the same, as the export handed to the customer. */
  app.post<{ Reply: CustomerData | ApiError }>('/customer/export', async (request, reply) => {
    const query = v.safeParse(CustomerQuerySchema, request.body);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    return findCustomerData(db, query.output, actorOf(request), now(), 'customer-export');
  });

  /** POST /api/privacy/customer/erase { query, confirm: true }: erases what may be; says what an open case keeps. */
  app.post<{ Reply: Erasure | ApiError }>('/customer/erase', async (request, reply) => {
    const body = v.safeParse(EraseRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const erased = await eraseCustomerData(db, body.output.query, actorOf(request), now());
    if (!erased.ok) return sendApiError(reply, 'bad-request', erased.message);
    const erasure = erased.value;
    request.log.info({ by: request.viewer.staffNumber, entries: erasure.erasedEntries.length, cases: erasure.erasedCases.length, kept: erasure.kept.length }, 'customer data erased');
    return erasure;
  });

  /** GET /api/privacy/audit?from=YYYY-MM-DD&to=YYYY-MM-DD: the audit log of those days (UTC); reading it is audited too. */
  app.get<{ Reply: AuditPage | ApiError }>('/audit', async (request, reply) => {
    const query = v.safeParse(AuditQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    const from = Date.parse(`${query.output.from}T00:00:00Z`);
    const to = Date.parse(`${query.output.to}T00:00:00Z`) + DAY_MS;
    const found = await readAudit(db, { from, to, limit: AUDIT_PAGE_MAX + 1 });
    const rows = found.slice(0, AUDIT_PAGE_MAX);
    await recordAudit(db, actorOf(request), { action: 'audit-export', subject: 'dashboard', detail: { from, to, rows: rows.length } }, now());
    return { rows, more: found.length > AUDIT_PAGE_MAX };
  });

  /** GET /api/privacy/retention: how long each kind of personal data is kept. */
  app.get<{ Reply: Retention }>('/retention', async () => readRetention(db));
};
