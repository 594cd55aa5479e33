import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { MAX_BODY_BYTES } from '../domain/wire.ts';
import type { Database } from './db/schema.ts';
import { handleError, handleNotFound } from './errors.ts';
import { caseEventRoutes } from './routes/case-events.ts';
import { enrollRoutes } from './routes/enroll.ts';
import { healthRoutes } from './routes/health.ts';
import { reviewRoutes } from './routes/review.ts';
import { syncRoutes } from './routes/sync.ts';
import { spaFallback, staticFiles } from './static.ts';

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
};

/** Tokens travel in the Authorization header and the enrollment answer: never log them. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.body.token', '*.token'];

/** Builds the server: one plugin per concern, fresh for every test (STYLE.md §2.7). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, staticDir, now = Date.now } = options;
  const app = createFastify(options);
  app.setErrorHandler(handleError);
  // Set before the static plugin, which calls it for missing files and inherits it.
  app.setNotFoundHandler(staticDir ? spaFallback(staticDir, handleNotFound) : handleNotFound);
  await app.register(healthRoutes, { prefix: '/api', db });
  await app.register(enrollRoutes, { prefix: '/api', db, now });
  await app.register(syncRoutes, { prefix: '/api/sync', db, now });
  await app.register(caseEventRoutes, { prefix: '/api', db });
  await app.register(reviewRoutes, { prefix: '/api', db });
  if (staticDir) await app.register(staticFiles, { root: staticDir });
  return app;
}

function createFastify({ logger = false, https }: AppOptions): FastifyInstance {
  const common = { logger, bodyLimit: MAX_BODY_BYTES };
  // Fastify types an HTTPS instance apart from an HTTP one; routes use neither's specifics.
  return https ? (Fastify({ ...common, https }) as unknown as FastifyInstance) : Fastify(common);
}
