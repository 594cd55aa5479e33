/**
 * The server for the benchmarks in Chromium: the app `npm start` serves, on a SQLite file
 * as `npm start` keeps it (synchronous commits and all), stopped and started again on the
 * same port for an outage, with the server's own clock on each push request.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/server/app.ts';
import { createDatabase, type DatabaseHandle } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { addBranch, addCounter } from '../src/server/services/branches.ts';
import { issueEnrollmentCode } from '../src/server/services/enrollment.ts';
import { addTeller } from '../src/server/services/tellers.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
export const TELLER = { staffNumber: '1001', pin: '2468' };

/** Builds the app into dist/, as `npm start` does before serving it. */
export function buildTheApp(): void {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/** The server, on a SQLite file as `npm start` keeps it, with a clock of push requests. */
export class Server {
  app: FastifyInstance | null = null;
  port = 0;
  /** [start, end] of each push request, in the server's performance clock. */
  pushes: Array<[number, number]> = [];

  constructor(readonly handle: DatabaseHandle) {}

  async start(): Promise<void> {
    const app = await buildApp({ db: this.handle.db, staticDir: DIST });
    const started = new WeakMap<object, number>();
    app.addHook('onRequest', async (request) => void started.set(request, performance.now()));
    app.addHook('onResponse', async (request) => {
      if (request.url === '/api/sync/push') this.pushes.push([started.get(request) ?? performance.now(), performance.now()]);
    });
    await app.listen({ port: this.port, host: '127.0.0.1' });
    this.port = (app.server.address() as { port: number }).port;
    this.app = app;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }
}

/** A branch with Window 3 and its teller, and a one-time code for the window's tablet. */
export async function givenServer(dir: string, { ratingCooldownMs }: { ratingCooldownMs: number }): Promise<{ server: Server; code: string }> {
  const handle = createDatabase({ sqliteFile: join(dir, 'branchvoice.sqlite') });
  const migrated = await migrateToLatest(handle.db);
  if (!migrated.ok) throw new Error(migrated.message);
  const now = Date.now();
  const branch = await addBranch(handle.db, { name: 'Main Street', defaultLanguage: 'en', ratingCooldownMs }, now);
  if (!branch.ok) throw new Error(branch.message);
  const counter = await addCounter(handle.db, { branchId: branch.value.id, name: 'Window 3' }, now);
  if (!counter.ok) throw new Error(counter.message);
  const teller = await addTeller(handle.db, { branchId: branch.value.id, staffNumber: TELLER.staffNumber, name: 'Mei Chen', pin: TELLER.pin, stars: 4 }, now);
  if (!teller.ok) throw new Error(teller.message);
  const code = await issueEnrollmentCode(handle.db, { counterId: counter.value.id }, now);
  if (!code.ok) throw new Error(code.message);
  const server = new Server(handle);
  await server.start();
  return { server, code: code.value.formatted };
}

