import * as v from 'valibot';
import { ALERT_KINDS, AckMinutesSchema, AlertParamsSchemas, type AlertKind, type AlertParams } from './alerts.ts';
import { IdSchema } from './ids.ts';
import type { Language } from './language.ts';

/**
 * Manage › Alert rules (src/server/routes/manage-alert-rules.ts): which alerts the network
 * raises and with what parameters, each branch's own rules over the network's, and how long
 * an alert may wait unacknowledged before it goes up a level. Head office sets the network's;
 * head office, the region's manager and the branch's manager set a branch's own.
 */

/** Where a rule in force comes from: the branch's own row, the network's, or the built-in default. */
export type AlertRuleSource = 'branch' | 'network' | 'default';

/** One kind's rule as the page shows it. */
export interface AlertRuleView<K extends AlertKind = AlertKind> {
  kind: K;
  enabled: boolean;
  params: AlertParams<K>;
  ackMinutes: number;
  source: AlertRuleSource;
}

/** A reason a `low-with-reasons` rule may name, with its labels for the page's checkboxes. */
export interface AlertRuleReason {
  id: string;
  labels: Record<Language, string>;
  /** Switched off in the branch (or in every branch): still listed, since a rule may name it. */
  active: boolean;
}

/** The rules of one scope: the network's (sources 'network' or 'default') or a branch's in force. */
export interface AlertRuleScopeView {
  rules: AlertRuleView[];
  /** The reasons the scope's `low-with-reasons` rule may name. */
  reasons: AlertRuleReason[];
  /** Whether the viewer may change this scope's rules. */
  mayEdit: boolean;
}

/** GET /api/manage/alert-rules[?branch=<id>]. */
export interface AlertRulesView {
  network: AlertRuleScopeView;
  branch: (AlertRuleScopeView & { branchId: string }) | null;
}

const KindSchema = v.picklist(ALERT_KINDS, `must be one of ${ALERT_KINDS.join(', ')}`);

/** GET /api/manage/alert-rules: an optional branch. */
export const AlertRulesQuerySchema = v.strictObject({ branch: v.optional(IdSchema) });

/** PUT /api/manage/alert-rules/network/:kind. */
export const NetworkRuleParamsSchema = v.object({ kind: KindSchema });

/** PUT and DELETE /api/manage/alert-rules/branches/:branchId/:kind. */
export const BranchRuleParamsSchema = v.object({ branchId: IdSchema, kind: KindSchema });

/**
 * A rule's body. `params` is checked against its kind's own schema (AlertParamsSchemas) once
 * the kind is known from the path, so its messages name `params.<field>`.
 */
export const AlertRuleInputSchema = v.strictObject({
  enabled: v.boolean('must be true or false'),
  // Any object here (its kind's schema checks it next); a custom check, not a record, keeps valibot's record out of the tablets' first screen.
  params: v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be an object'),
  ackMinutes: v.pipe(v.number(rangeMessage(AckMinutesSchema)), v.check((n) => v.is(AckMinutesSchema, n), rangeMessage(AckMinutesSchema))),
});
export type AlertRuleInput = v.InferOutput<typeof AlertRuleInputSchema>;

/**
 * The range of a whole-number parameter as its schema states it (its minValue and maxValue),
 * so the page checks and explains the very limits the server checks, stated once.
 */
export function numberRange(schema: unknown): { min: number; max: number } | null {
  const pipe = (schema as { pipe?: readonly { type: string; requirement?: unknown }[] }).pipe;
  if (!pipe) return null;
  const min = pipe.find((item) => item.type === 'min_value')?.requirement;
  const max = pipe.find((item) => item.type === 'max_value')?.requirement;
  return typeof min === 'number' && typeof max === 'number' ? { min, max } : null;
}

/** A whole-number field's message: its range, as the schema states it. */
export function rangeMessage(schema: unknown): string {
  const range = numberRange(schema);
  return range ? `must be a whole number from ${range.min} to ${range.max}` : 'must be a whole number';
}

/** The numeric parameters of a kind with their ranges, in the schema's order: what the page asks for. */
export function numberParams(kind: AlertKind): { field: string; min: number; max: number }[] {
  const entries = (AlertParamsSchemas[kind] as unknown as { entries: Record<string, unknown> }).entries;
  return Object.entries(entries).flatMap(([field, schema]) => {
    const range = numberRange(schema);
    return range ? [{ field, ...range }] : [];
  });
}

/**
 * What is wrong with a kind's parameters, field by field (`count`, `reasonIds`), as the
 * server's message states it; empty when they are right. The page shows the same in the
 * reader's language beside each field.
 */
export function paramsProblems(kind: AlertKind, params: unknown): { field: string; message: string }[] {
  const parsed = v.safeParse(AlertParamsSchemas[kind], params);
  if (parsed.success) return [];
  const entries = (AlertParamsSchemas[kind] as unknown as { entries: Record<string, unknown> }).entries;
  return parsed.issues.map((issue) => {
    const path = v.getDotPath(issue);
    const field = path?.split('.')[0] ?? '';
    const range = field in entries ? numberRange(entries[field]) : null;
    const message = range ? rangeMessage(entries[field]) : issue.message;
    return { field: path ?? '', message };
  });
}
