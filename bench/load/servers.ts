/**
 * The server as production runs it: its own process (`src/server/main.ts`, the entry point
 * of `npm start`, here without the built app), listening on loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type ServerProcess = { baseUrl: string; pid: number; logFile: string; stop(): Promise<void> };

export type ServerOptions = {
  /** DATABASE_URL for PostgreSQL, or the directory of the SQLite file. */
  database: { url: string } | { dataDir: string };
  /** Where the server's log goes (its stdout and stderr). */
  logFile: string;
  /** A directory for `node --cpu-prof`, to see where a slow run spends its time. */
  cpuProfDir?: string;
  logLevel?: string;
};

const LISTENING = /Listening on http:\/\/127\.0\.0\.1:(\d+)/;

// Servers still running when this process ends (an error, a Ctrl-C) are killed with it,
// never left behind holding a port and the database.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a server on a free loopback port and answers once it listens. Its output goes to a
 * file, not through a pipe, so this process spends nothing reading it while it drives load.
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'info',
    // A directory that does not exist: the API only, no built app to look for.
    STATIC_DIR: join(ROOT, '.tmp', 'no-app'),
  };
  delete env.DATABASE_URL;
  if ('url' in options.database) env.DATABASE_URL = options.database.url;
  else env.DATA_DIR = options.database.dataDir;

  const log = openSync(options.logFile, 'a');
  const profile = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  closeSync(log);
  running.add(child);
  child.once('exit', () => running.delete(child));
  try {
    const port = await waitForListening(child, options.logFile, 60_000);
    return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid!, logFile: options.logFile, stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

async function waitForListening(child: ChildProcess, logFile: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = readFileSync(logFile, 'utf8');
    const match = LISTENING.exec(output);
    if (match) return Number(match[1]);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The server exited before listening:\n${output}`);
    if (Date.now() > deadline) throw new Error(`The server did not listen within ${timeoutMs / 1000} s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM (the server closes its connections and writes a CPU profile), then SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
