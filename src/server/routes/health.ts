import type { FastifyPluginAsync } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';

/** GET /api/health: up only when the database answers, so a load balancer can tell. */
export const healthRoutes: FastifyPluginAsync<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get('/health', async (request, reply) => {
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unavailable');
      return sendApiError(reply, 'unavailable', 'The database is not answering.');
    }
    return { ok: true };
  });
};
