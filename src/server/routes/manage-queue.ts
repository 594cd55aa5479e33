import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { BranchParamsSchema } from '../../domain/manage.ts';
import { CounterParamsSchema } from '../../domain/manage-setup.ts';
import { MAX_QUEUE_CSV_BYTES } from '../../domain/queue.ts';
import {
  QueueCodeBodySchema,
  QueueSystemBodySchema,
  QueueSystemParamsSchema,
  type QueueCounterView,
  type QueueImportResult,
  type QueueSetup,
  type QueueSystemKey,
  type QueueSystemView,
} from '../../domain/queue-intake.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports, requireReportRole, sessionAuth } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { importQueueCsv } from '../services/queue-events.ts';
import { addQueueSystem, queueSetup, revokeQueueSystemById, setCounterQueueCode, type QueueError } from '../services/queue-systems.ts';
import { tooLargeSaying } from './queue.ts';

export type ManageQueueRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Queue system, under /api/manage (services/queue-systems.ts, queue-events.ts): a
 * branch's queue-system keys, its counters' queue codes, and the import of the queue system's
 * daily export. Head office, the branch's regional manager and its branch manager; every
 * change audited. The import is the one write here that is not JSON: the export goes as the
 * file it is (text/csv), in a plugin of its own.
 */
export const manageQueueRoutes: FastifyPluginAsync<ManageQueueRoutesOptions> = async (app, { db, now }) => {
  // Not the options as given: their prefix is this plugin's, and a child would add it again.
  await app.register(queueSetupRoutes, { db, now });
  await app.register(queueImportRoutes, { db, now });
};

const actorOf = (request: FastifyRequest) => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });

function answer<T>(request: FastifyRequest, reply: FastifyReply, result: Result<T, QueueError>, what: string, fields: Record<string, unknown>): T | FastifyReply {
  if (!result.ok) return sendApiError(reply, result.reason, result.message);
  request.log.info({ ...fields, by: request.viewer.staffNumber }, what);
  return result.value;
}

/** The JSON routes: a session and a report role first, JSON for every write (guardReports). */
const queueSetupRoutes: FastifyPluginAsync<ManageQueueRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** GET /api/manage/branches/:branchId/queue: its systems (never their keys), counters' codes, and whether events arrive. */
  app.get<{ Reply: QueueSetup | ApiError }>('/branches/:branchId/queue', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const setup = await queueSetup(db, { viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) }, params.output.branchId, now());
    if (!setup.ok) return sendApiError(reply, setup.reason, setup.message);
    return setup.value;
  });

  /** POST /api/manage/branches/:branchId/queue/systems ({ name }) → 201 { system, key }: the key this once (no-store, never logged). */
  app.post<{ Reply: QueueSystemKey | ApiError }>('/branches/:branchId/queue/systems', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(QueueSystemBodySchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { branchId } = params.output;
    const added = await addQueueSystem(db, actorOf(request), branchId, body.output.name, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ branchId, queueSystemId: added.value.system.id, by: request.viewer.staffNumber }, 'queue system key made on the dashboard');
    reply.header('cache-control', 'no-store');
    return reply.code(201).send(added.value);
  });

  /** POST /api/manage/queue/systems/:id/revoke ({}): its key stops working at once. */
  app.post<{ Reply: { system: QueueSystemView } | ApiError }>('/queue/systems/:id/revoke', async (request, reply) => {
    const params = v.safeParse(QueueSystemParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const { id } = params.output;
    return answer(request, reply, await revokeQueueSystemById(db, actorOf(request), id, now()), 'queue system key revoked on the dashboard', { queueSystemId: id });
  });

  /** PUT /api/manage/counters/:counterId/queue-code ({ queueCode }): 409 when another counter of the branch has it. */
  app.put<{ Reply: { counter: QueueCounterView } | ApiError }>('/counters/:counterId/queue-code', async (request, reply) => {
    const params = v.safeParse(CounterParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(QueueCodeBodySchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { counterId } = params.output;
    const set = await setCounterQueueCode(db, actorOf(request), counterId, body.output.queueCode, now());
    return answer(request, reply, set, 'counter queue code set on the dashboard', { counterId });
  });
};

const CSV_TOO_LARGE = `The export is over ${MAX_QUEUE_CSV_BYTES} bytes; import it a day at a time.`;

/**
 * The import, in a plugin of its own: a session and a report role as for the others, then a
 * CSV body (not JSON) read as bytes up to MAX_QUEUE_CSV_BYTES. A page of another site cannot
 * send text/csv without asking first (it is no form's type), so it is as safe from forgery
 * as JSON is.
 */
const queueImportRoutes: FastifyPluginAsync<ManageQueueRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('viewer', null as never);
  app.addHook('onRequest', sessionAuth(db, now));
  app.addHook('onRequest', requireReportRole);
  app.addHook('onRequest', requireCsv);
  acceptCsv(app);

  /** POST /api/manage/branches/:branchId/queue/import (text/csv): the day's export; per-line answers for the lines not stored. */
  app.post<{ Reply: QueueImportResult | ApiError }>('/branches/:branchId/queue/import', { bodyLimit: MAX_QUEUE_CSV_BYTES, errorHandler: tooLargeSaying(CSV_TOO_LARGE) }, async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const text = decodeCsv(request.body, request.headers['content-type']);
    if (!text.ok) return sendApiError(reply, 'bad-request', text.message);
    const { branchId } = params.output;
    const imported = await importQueueCsv(db, actorOf(request), branchId, text.value, now());
    if (!imported.ok) return sendApiError(reply, imported.reason, imported.message);
    const { total, stored, duplicate, rejected } = imported.value;
    request.log.info({ branchId, total, stored, duplicate, rejected, by: request.viewer.staffNumber }, 'queue export imported on the dashboard');
    return imported.value;
  });
};

/** The export's body as bytes: its charset is read once the route knows the request is allowed. */
function acceptCsv(app: FastifyInstance): void {
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_QUEUE_CSV_BYTES }, (_request, body, done) => done(null, body));
}

const mediaTypeOf = (request: FastifyRequest) => request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

/** An onRequest hook: the import takes the export as text/csv, and nothing else. */
async function requireCsv(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const type = mediaTypeOf(request);
  if (type === 'text/csv') return undefined;
  return sendApiError(reply, 'bad-request', `Send the queue system's export as it is, with content-type: text/csv (charset=utf-8 unless it says another), not ${type ? type.slice(0, 60) : 'without a content type'}.`);
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * The export's text in the charset its content type names, UTF-8 when it names none. Many
 * queue systems in China export GB18030 (GBK): those are read as such when the request says so.
 */
function decodeCsv(body: unknown, contentType: string | undefined): Result<string, 'bad-request'> {
  if (!Buffer.isBuffer(body)) return err('bad-request', 'Send the export as the request body, with content-type: text/csv.');
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.slice(0, 40) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    return err('bad-request', `charset ${charset} is not one the server reads; send the export as UTF-8 or GB18030 (content-type: text/csv; charset=gb18030).`);
  }
  try {
    return ok(decoder.decode(body));
  } catch {
    return err('bad-request', `The export is not valid ${decoder.encoding}; if the queue system writes GBK or GB18030, send it with content-type: text/csv; charset=gb18030.`);
  }
}
