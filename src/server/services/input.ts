import * as v from 'valibot';
import { err, ok, type Result } from '../../domain/result.ts';
import { describeIssues } from '../../domain/wire.ts';

/** What any admin service can answer besides its own refusals. */
export type AdminError = 'invalid-input' | 'branch-not-found';

/** Checks admin input against a schema; the message names each field and its problem. */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): Result<v.InferOutput<S>, 'invalid-input'> {
  const result = v.safeParse(schema, input);
  return result.success ? ok(result.output) : err('invalid-input', describeIssues(result.issues));
}

export const branchNotFound = (id: string) =>
  err('branch-not-found', `No branch has the id ${id}; list them with \`npm run admin -- branches\`.`);
