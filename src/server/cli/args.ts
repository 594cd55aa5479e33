import type { ParseArgsConfig } from 'node:util';
import type { Kysely } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';

/** What every admin command is made of, and the helpers they parse their arguments with. */

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };
export type Command = {
  usage: string;
  summary: string;
  options: Options;
  /** The one positional argument the command takes, if any. */
  argument?: string;
  run(db: Kysely<Database>, args: Parsed, env: NodeJS.ProcessEnv): Promise<Result<string>>;
};

export const text = { type: 'string' } as const;

export const str = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export function required(values: Parsed['values'], name: string, command: string): Result<string> {
  const value = str(values[name]);
  return value ? ok(value) : err('invalid-input', `${command} needs --${name}; see \`npm run admin -- help\`.`);
}

export function positional(positionals: string[], name: string, command: string): Result<string> {
  const [value, ...extra] = positionals;
  if (!value) return err('invalid-input', `${command} needs the <${name}>; see \`npm run admin -- help\`.`);
  if (extra.length > 0) return err('invalid-input', `${command} takes one <${name}>, not also "${extra.join(' ')}".`);
  return ok(value);
}

export function wholeNumber(value: string | boolean | undefined, name: string): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const n = Number(value);
  return typeof value === 'string' && /^\d+$/.test(value) ? ok(n) : err('invalid-input', `--${name} must be a whole number, not "${value}".`);
}

/** A two-way option such as --active yes|no, as a boolean. */
export function choice(value: string | boolean | undefined, name: string, yes: string, no: string): Result<boolean | undefined> {
  if (value === undefined) return ok(undefined);
  if (value === yes || value === no) return ok(value === yes);
  return err('invalid-input', `--${name} must be ${yes} or ${no}, not "${String(value)}".`);
}

export const time = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
