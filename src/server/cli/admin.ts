import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Kysely } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import { createDatabaseFromEnv } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { listBranches } from '../repositories/branches.ts';
import { listCounters } from '../repositories/counters.ts';
import { listDevices } from '../repositories/devices.ts';
import { latestRatings } from '../repositories/ratings.ts';
import { addBranch, addCounter, editBranch } from '../services/branches.ts';
import { issueEnrollmentCode } from '../services/enrollment.ts';
import { revokeDeviceById } from '../services/fleet.ts';

/**
 * The admin CLI: `npm run admin -- <command>`. Thin on purpose: each command parses its
 * arguments, calls one repository or service function and prints the answer, so tests can
 * call the same functions. Uses the server's DATABASE_URL / DATA_DIR.
 */

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };
type Command = {
  usage: string;
  summary: string;
  options: Options;
  /** The one positional argument the command takes, if any. */
  argument?: string;
  run(db: Kysely<Database>, args: Parsed): Promise<Result<string>>;
};

const text = { type: 'string' } as const;
const now = () => Date.now();

const COMMANDS: Record<string, Command> = {
  branches: {
    usage: 'branches',
    summary: 'list branches',
    options: {},
    run: async (db) => {
      const rows = (await listBranches(db)).map((b) => [b.id, b.name, b.defaultLanguage, `${b.ratingCooldownMs}`, `${b.configVersion}`, time(b.createdAt)]);
      return ok(table(['id', 'name', 'lang', 'cooldown ms', 'config v', 'created'], rows));
    },
  },
  'branch:add': {
    usage: 'branch:add --name <name> [--lang en|es|zh-Hans|zh-Hant]',
    summary: 'add a branch',
    options: { name: text, lang: text },
    run: async (db, { values }) => {
      const name = required(values, 'name', 'branch:add');
      if (!name.ok) return name;
      const added = await addBranch(db, { name: name.value, defaultLanguage: str(values.lang) }, now());
      return added.ok ? ok(`Added branch ${added.value.id} "${added.value.name}" (${added.value.defaultLanguage}).`) : added;
    },
  },
  'branch:set': {
    usage: 'branch:set <branchId> [--name <name>] [--lang <lang>] [--cooldown <ms>]',
    summary: "change a branch's name, language or rating cooldown",
    options: { name: text, lang: text, cooldown: text },
    argument: 'branchId',
    run: async (db, { values, positionals }) => {
      const id = positional(positionals, 'branchId', 'branch:set');
      const cooldown = wholeNumber(values.cooldown, 'cooldown');
      if (!id.ok) return id;
      if (!cooldown.ok) return cooldown;
      const edited = await editBranch(db, id.value, { name: str(values.name), defaultLanguage: str(values.lang), ratingCooldownMs: cooldown.value });
      if (!edited.ok) return edited;
      const b = edited.value;
      return ok(`Branch ${b.id}: "${b.name}", ${b.defaultLanguage}, cooldown ${b.ratingCooldownMs} ms, config version ${b.configVersion}.`);
    },
  },
  counters: {
    usage: 'counters [--branch <branchId>]',
    summary: 'list counters',
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listCounters(db, str(values.branch))).map((c) => [c.id, c.branchId, c.name, time(c.createdAt)]);
      return ok(table(['id', 'branch', 'name', 'created'], rows));
    },
  },
  'counter:add': {
    usage: 'counter:add --branch <branchId> --name <name>',
    summary: 'add a counter (teller window) to a branch',
    options: { branch: text, name: text },
    run: async (db, { values }) => {
      const branch = required(values, 'branch', 'counter:add');
      const name = required(values, 'name', 'counter:add');
      if (!branch.ok) return branch;
      if (!name.ok) return name;
      const added = await addCounter(db, { branchId: branch.value, name: name.value }, now());
      return added.ok ? ok(`Added counter ${added.value.id} "${added.value.name}" to branch ${added.value.branchId}.`) : added;
    },
  },
  'code:create': {
    usage: 'code:create --counter <counterId> [--hours 24]',
    summary: 'make a one-time code that enrolls a tablet at a counter',
    options: { counter: text, hours: text },
    run: async (db, { values }) => {
      const counter = required(values, 'counter', 'code:create');
      if (!counter.ok) return counter;
      const hours = values.hours === undefined ? undefined : Number(values.hours);
      const issued = await issueEnrollmentCode(db, { counterId: counter.value, hours }, now());
      if (!issued.ok) return issued;
      return ok(`Enrollment code: ${issued.value.formatted}\nExpires: ${time(issued.value.expiresAt)} (it works once)`);
    },
  },
  devices: {
    usage: 'devices [--branch <branchId>]',
    summary: 'list enrolled devices and their last health',
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listDevices(db, str(values.branch))).map((d) => [
        d.id,
        d.branchId,
        d.counterId ?? '-',
        time(d.enrolledAt),
        d.lastSeenAt === null ? 'never' : time(d.lastSeenAt),
        d.revokedAt === null ? '-' : time(d.revokedAt),
        d.health === null ? '?' : `${d.health.outboxDepth}`,
      ]);
      return ok(table(['id', 'branch', 'counter', 'enrolled', 'last seen', 'revoked', 'outbox'], rows));
    },
  },
  'device:revoke': {
    usage: 'device:revoke <deviceId>',
    summary: 'stop a device from syncing, at once',
    options: {},
    argument: 'deviceId',
    run: async (db, { positionals }) => {
      const id = positional(positionals, 'deviceId', 'device:revoke');
      if (!id.ok) return id;
      const revoked = await revokeDeviceById(db, id.value, now());
      return revoked.ok ? ok(`Revoked device ${revoked.value.id} at ${time(revoked.value.revokedAt ?? now())}.`) : revoked;
    },
  },
  ratings: {
    usage: 'ratings [--limit 20] [--json]',
    summary: 'show the latest ratings, newest first',
    options: { limit: text, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const limit = wholeNumber(values.limit, 'limit');
      if (!limit.ok) return limit;
      if (limit.value !== undefined && (limit.value < 1 || limit.value > 10_000)) return err('invalid-input', '--limit must be from 1 to 10000');
      const ratings = await latestRatings(db, limit.value ?? 20);
      if (values.json) return ok(JSON.stringify(ratings, null, 2));
      const rows = ratings.map((r) => [`${r.seq}`, r.id, r.counterId, r.score, r.reasons.join(',') || '-', time(r.createdAt), time(r.receivedAt)]);
      return ok(table(['seq', 'id', 'counter', 'score', 'reasons', 'created', 'received'], rows));
    },
  },
};

function help(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'Usage: npm run admin -- <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show this help`,
    '',
    'Uses DATABASE_URL (postgres://…) when set, else the SQLite file under DATA_DIR (default ./data).',
  ].join('\n');
}

const str = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

function required(values: Parsed['values'], name: string, command: string): Result<string> {
  const value = str(values[name]);
  return value ? ok(value) : err('invalid-input', `${command} needs --${name}; see \`npm run admin -- help\`.`);
}

function positional(positionals: string[], name: string, command: string): Result<string> {
  const [value, ...extra] = positionals;
  if (!value) return err('invalid-input', `${command} needs the <${name}>; see \`npm run admin -- help\`.`);
  if (extra.length > 0) return err('invalid-input', `${command} takes one <${name}>, not also "${extra.join(' ')}".`);
  return ok(value);
}

function wholeNumber(value: string | boolean | undefined, name: string): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const n = Number(value);
  return typeof value === 'string' && /^\d+$/.test(value) ? ok(n) : err('invalid-input', `--${name} must be a whole number, not "${value}".`);
}

const time = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Parses the command line; the options allowed are the command's own, strictly. */
function parseCommand(argv: string[]): Result<{ command: Command; args: Parsed } | 'help'> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return ok('help');
  const command = COMMANDS[name];
  if (!command) return err('invalid-input', `Unknown command "${name}".\n\n${help()}`);
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    if (!command.argument && positionals.length > 0) {
      return err('invalid-input', `${name} takes no argument "${positionals.join(' ')}".\nUsage: npm run admin -- ${command.usage}`);
    }
    // No option here sets `multiple`, so every value is a string or a boolean.
    return ok({ command, args: { values: values as Parsed['values'], positionals } });
  } catch (error) {
    return err('invalid-input', `${(error as Error).message}\nUsage: npm run admin -- ${command.usage}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (!parsed.ok) return failWith(parsed.message);
  if (parsed.value === 'help') {
    console.log(help());
    return 0;
  }
  const database = createDatabaseFromEnv();
  try {
    const migrated = await migrateToLatest(database.db);
    if (!migrated.ok) return failWith(migrated.message);
    const result = await parsed.value.command.run(database.db, parsed.value.args);
    if (!result.ok) return failWith(result.message);
    console.log(result.value);
    return 0;
  } finally {
    await database.destroy();
  }
}

function failWith(message: string): number {
  console.error(message);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
