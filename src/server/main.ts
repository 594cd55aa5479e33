import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp, LOG_REDACT } from './app.ts';
import { createDatabaseFromEnv, DEFAULT_DATA_DIR, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { firstRunFileOf, writeFirstRunFile } from './first-run-file.ts';
import { makePrivateDir } from './private-files.ts';
import { bootstrapFirstRun, type FirstRun } from './services/bootstrap.ts';
import { defaultBranchTimeZone } from './services/branches.ts';
import { scheduleAlerts } from './services/alert-scheduler.ts';
import { parseRetrySchedule, startDeliveryWorker } from './services/delivery.ts';
import { scheduleDigests } from './services/digest.ts';
import { createEmailDeliverer, readSmtpConfig } from './services/email.ts';
import { schedulePurge } from './services/privacy.ts';
import { webhookDeliverer } from './services/webhooks.ts';
import { ensureRollupsCurrent } from './services/report-rollups.ts';
import { startQueueMatcher } from './services/queue-match.ts';
import { createPushAdmission, PUSH_ADMISSION } from './plugins/push-admission.ts';
import { isPlainHttpBeyondLoopback, parseRequireTls, plainHttpRefusal, plainHttpWarning, tabletsNeedHttps } from './transport.ts';

/**
 * The server process: `npm run server`. Reads its settings from the environment (see the
 * README), migrates, sets up a first branch on an empty database, then serves the API and
 * the built PWA on one port.
 */
/** How many connections may wait to be accepted: room for a thousand tablets at once. */
const LISTEN_BACKLOG = 4096;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const port = parsePort(env.PORT);
  const host = env.HOST || '0.0.0.0';
  const https = readTls(env);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const requireTls = parseRequireTls(env.REQUIRE_TLS);
  if (!requireTls.ok) throw new StartupError(requireTls.message);
  const retrySchedule = parseRetrySchedule(env.NOTIFY_RETRY_MS);
  if (!retrySchedule.ok) throw new StartupError(retrySchedule.message);
  // E-mail (decision 0025): SMTP_URL and SMTP_FROM, checked before anything is touched; unset, no e-mail is sent.
  const smtp = readSmtpConfig(env);
  if (!smtp.ok) throw new StartupError(smtp.message);
  // Checked before the database is touched: a server that will not serve makes nothing.
  const plainHttp = isPlainHttpBeyondLoopback({ host, tls: https !== undefined, trustProxy });
  if (plainHttp && requireTls.value) throw new StartupError(plainHttpRefusal(host));
  // Made (or corrected) before anything is written: the first run's secrets go into it, and
  // once the database holds the first branch they can never be made again.
  const dataDir = env.DATA_DIR || DEFAULT_DATA_DIR;
  makePrivateDir(dataDir);
  const database = createDatabaseFromEnv(env);
  const migrated = await migrateToLatest(database.db);
  if (!migrated.ok) return fail(migrated.message, database);

  // Before serving: roll-ups built by an older definition (or none, after migration 0006)
  // are rebuilt from the records once; devices retry their pushes meanwhile.
  const rebuilt = await ensureRollupsCurrent(database.db, Date.now());
  if (rebuilt > 0) console.log(`Rebuilt the report roll-ups of ${rebuilt} branch${rebuilt === 1 ? '' : 'es'}.`);

  const firstRun = await bootstrapFirstRun(
    database.db,
    { branchName: env.FIRST_BRANCH_NAME || 'Branch 1', language: env.BRANCH_LANGUAGE || 'en', timeZone: defaultBranchTimeZone(env) },
    Date.now(),
  );
  if (!firstRun.ok) return fail(`FIRST_BRANCH_NAME / BRANCH_LANGUAGE / BRANCH_TIME_ZONE: ${firstRun.message}`, database);

  // Made here, not in buildApp, so that the queue matcher below can see whether tablets are pushing.
  const admission = createPushAdmission(PUSH_ADMISSION);
  const app = await buildApp({
    db: database.db,
    admission,
    logger: { level: env.LOG_LEVEL || 'info', redact: LOG_REDACT },
    staticDir: staticDirOf(env.STATIC_DIR || './dist'),
    https,
    trustProxy,
    smtp: smtp.value,
  });
  // At day end every tablet of the network may connect within the same second: Node's default
  // accept queue (511) drops the rest, and each dropped tablet waits out a SYN retry (1 s, then
  // 3 s) before it is even heard (npm run load). The kernel caps this at net.core.somaxconn.
  await app.listen({ port, host, backlog: LISTEN_BACKLOG });
  const scheme = https ? 'https' : 'http';
  const { port: actualPort } = app.server.address() as AddressInfo;
  const addresses = addressesToOpen(scheme, host, actualPort);
  // What the console says at start, as one block written at once: the first run's banner (or
  // the reminder of its file), what tablets need when this is plain HTTP on the network, the
  // warning about it, and where the server listens. The logger writes its JSON lines
  // asynchronously ("Server listening at …" among them): they are flushed first, so that they
  // come before the block, and what it logs later comes after it.
  const httpsHelp = plainHttp ? tabletsNeedHttps(lanHostOf(addresses), actualPort) : null;
  const block: string[] = [];
  if (firstRun.value) block.push(firstRunBanner(firstRun.value, addresses, saveFirstRun(dataDir, firstRun.value, addresses), httpsHelp));
  else {
    if (existsSync(firstRunFileOf(dataDir))) block.push(`${firstRunFileOf(dataDir)} still holds the first run's codes, PIN and password: delete it once they are used and changed.`);
    if (httpsHelp) block.push(['', ...httpsHelp].join('\n'));
  }
  // The workers and the signal handlers start before the banner: whoever waits for "Listening on" may stop the server at once.
  // Retention (docs/privacy.md): each server tries hourly; the first to claim a day runs it.
  const stopPurge = schedulePurge(database.db, app.log);
  // Alerts (decision 0026): every server escalates what is due and raises case deadlines; conditional writes make each step once.
  const stopAlerts = scheduleAlerts(database.db, app.log);
  // Notifications (webhooks, e-mail): every server delivers what is due; a lease makes each send once at a time.
  const delivery = startDeliveryWorker(database.db, { webhook: webhookDeliverer(database.db), email: createEmailDeliverer(database.db, smtp.value) }, app.log, { retrySchedule: retrySchedule.value });
  // The morning digest (services/digest.ts): every server looks every few minutes; a claim per branch and day queues each once.
  const stopDigests = scheduleDigests(database.db, app.log);
  // Queue tickets (decision 0027): every server matches the branch-days marked since its last tick; a claim makes each mark matched once.
  // It gives way to a burst of pushes (day end), and matches the days once the burst is over.
  const queueMatcher = startQueueMatcher({ db: database.db, log: app.log, busy: admission.busy });
  closeOnSignals(app, database, () => {
    stopPurge();
    stopDigests();
    void delivery.stop();
    stopAlerts();
    void queueMatcher.stop();
  });
  // Loud for the person who started it, after the banner so it is the last thing they see.
  if (plainHttp) block.push(plainHttpWarning(host, actualPort));
  block.push(`Listening on ${scheme}://${host}:${actualPort}`);
  await flushLog(app);
  process.stdout.write(`${block.join('\n')}\n`);
  // And in the log, for whoever reads it later.
  if (plainHttp) app.log.warn({ host, port: actualPort }, 'plain HTTP beyond loopback: tokens, PINs, passwords and contact details cross the network in clear; set TLS_CERT/TLS_KEY, or TRUST_PROXY behind a TLS proxy, or HOST=127.0.0.1');
}

function parsePort(value: string | undefined): number {
  const port = Number(value || 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`PORT must be a whole number from 0 to 65535, not "${value}"`);
  }
  return port;
}

/**
 * TRUST_PROXY: unset, no proxy is trusted and the socket's address is the client's; `true`,
 * any; otherwise the proxies' addresses or CIDRs, comma-separated (Fastify's trustProxy).
 */
function parseTrustProxy(value: string | undefined): boolean | string {
  if (!value || value === 'false') return false;
  return value === 'true' ? true : value;
}

/** Tablets on a LAN need a secure context for service workers, hence optional HTTPS. */
function readTls(env: NodeJS.ProcessEnv): { cert: Buffer; key: Buffer } | undefined {
  if (!env.TLS_CERT && !env.TLS_KEY) return undefined;
  if (!env.TLS_CERT || !env.TLS_KEY) throw new StartupError('Set both TLS_CERT and TLS_KEY (PEM files), or neither.');
  return { cert: readFileSync(env.TLS_CERT), key: readFileSync(env.TLS_KEY) };
}

function staticDirOf(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  console.log(`No built app in ${dir} (run \`npm run build\`, or set STATIC_DIR); serving the API only.`);
  return undefined;
}

/** Where a person can open the app: this machine, and each LAN address when listening on all. */
function addressesToOpen(scheme: string, host: string, port: number): string[] {
  const all = host === '0.0.0.0' || host === '::';
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  const hosts = all ? ['localhost', ...lan] : [host];
  return hosts.map((h) => `${scheme}://${h}:${port}/`);
}

/** The first address of this machine on the LAN (not localhost), for the HTTPS example. */
function lanHostOf(addresses: string[]): string | null {
  const host = addresses.map((a) => new URL(a).hostname).find((h) => h !== 'localhost');
  return host ?? null;
}

/**
 * Waits until the logger has written what it holds. Its destination (pino's, SonicBoom on
 * fd 1) writes asynchronously, beside process.stdout: "Server listening at …" would land
 * inside the start's block. It says it is idle with a 'drain' event once no write is in
 * flight. At most a second: a log that cannot drain does not stop a start.
 */
async function flushLog(app: FastifyInstance): Promise<void> {
  type Destination = { _writing?: boolean; once?: (event: 'drain', listener: () => void) => unknown };
  const log = app.log as unknown as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.stream') ?? Object.getOwnPropertySymbols(Object.getPrototypeOf(log) as object).find((s) => s.description === 'pino.stream');
  const destination = (symbol ? log[symbol] : undefined) as Destination | undefined;
  if (!destination?._writing || typeof destination.once !== 'function') return;
  await Promise.race([new Promise<void>((resolve) => destination.once!('drain', resolve)), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]);
}

/**
 * Writes the first run's secrets to their file; if that fails, says how to make new ones, as
 * the database holds only their hashes and a later start will not make them again.
 */
function saveFirstRun(dataDir: string, firstRun: FirstRun, addresses: string[]): string {
  try {
    return writeFirstRunFile(dataDir, firstRun, addresses, Date.now());
  } catch (error) {
    throw new StartupError(
      `The first run's codes, PIN and password could not be written to ${firstRunFileOf(dataDir)} (${error instanceof Error ? error.message : String(error)}). ` +
        `Make new ones: npm run admin -- teller:set ${firstRun.teller.id} --pin <new PIN>; npm run admin -- account:set ${firstRun.dashboard.staffNumber} --password <new password>; ` +
        `npm run admin -- code:create --counter ${firstRun.counter.id}; npm run admin -- code:create --lobby --branch ${firstRun.branch.id}.`,
    );
  }
}

/**
 * What the console says on the first start: where to open the app and the dashboard, and
 * where the secrets are. No code, PIN or password: the console's output often lands in a log
 * that others can read (decision 0015).
 */
function firstRunBanner({ branch, counter, teller }: FirstRun, addresses: string[], secretsFile: string, httpsHelp: string[] | null): string {
  return [
    '',
    '================ BranchVoice: first run ================',
    `Created branch "${branch.name}" with counter "${counter.name}" and teller "${teller.name}".`,
    'Open the app on the counter tablet, and on a lobby tablet, at:',
    ...addresses.map((a) => `  ${a}`),
    'and the dashboard (head office, every branch) in a desktop browser at:',
    `  ${addresses[0] ?? '/'}dashboard`,
    '',
    ...(httpsHelp ? [...httpsHelp, ''] : []),
    "The tablets' enrollment codes (with links that fill them in, and QR codes of those links),",
    "the teller's PIN and the dashboard's first password are in",
    `  ${secretsFile}`,
    'which only this account can read. Delete it once they are used; the dashboard asks for a',
    'new password at the first sign-in.',
    '',
    "A branch manager's dashboard sign-in: npm run admin -- account:add --teller <tellerId> --password <password>",
    'For more tablets or a new code: npm run admin -- code:create --counter ' + counter.id,
    'For another lobby tablet: npm run admin -- code:create --lobby --branch ' + branch.id,
    'For more tellers: npm run admin -- teller:add --branch ' + branch.id + ' --staff-number <n> --name <name> --pin <PIN>',
    '========================================================',
    '',
  ].join('\n');
}

function closeOnSignals(app: FastifyInstance, database: DatabaseHandle, stopPurge: () => void): void {
  const close = async (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    stopPurge();
    await app.close();
    await database.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

/** A problem with the settings: shown as a sentence, without a stack. */
class StartupError extends Error {}

async function fail(message: string, database: DatabaseHandle): Promise<never> {
  await database.destroy();
  throw new StartupError(message);
}

main(process.env).catch((error: unknown) => {
  console.error(error instanceof StartupError ? `Cannot start: ${error.message}` : error);
  process.exit(1);
});
