import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { firstRunFileOf } from '../../src/server/first-run-file.ts';

/** The repository root, where `npm run admin` and `npm run server` run. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// The tsx binary itself: what `npx tsx` runs, without npx's own second of start-up.
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export type Finished = { code: number | null; stdout: string; stderr: string };

/** Runs a TypeScript entry point to the end, as `npx tsx <file> <args>` would. */
export function runTsx(file: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(TSX, [file, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running process; killed when the test finishes if it is still running. */
export function startTsx(file: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, [file], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

/** Waits until the output matches, or fails with what the process printed so far. */
export async function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`No ${pattern} in the output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the exit code once the process has exited. */
export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** The first run's file in a data dir: its codes, the teller's PIN, the dashboard's password (the console shows none). */
export const firstRunOf = (dataDir: string): string => readFileSync(firstRunFileOf(dataDir), 'utf8');

/**
 * The first run's lobby code. The counter's line is matched by /Enrollment code: …/
 * (tests/e2e/harness.ts); this one starts "Lobby enrollment code:", so neither reads the other.
 */
export const LOBBY_CODE_LINE = /^Lobby enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})$/m;

/** The lobby tablet's one-time code from the first run's file. */
export function lobbyEnrollmentCodeOf(output: string): string {
  const code = LOBBY_CODE_LINE.exec(output)?.[1];
  if (!code) throw new Error(`no lobby enrollment code in:\n${output}`);
  return code;
}
