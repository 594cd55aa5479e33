import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { ALERT_KINDS, AlertParamsSchemas, DEFAULT_ALERT_RULES, type AlertKind, type AlertRule } from '../../domain/alerts.ts';
import type { Database } from '../db/schema.ts';

/** The network's rules are stored under this branch id; a branch's own row wins over it. */
export const NETWORK_RULES = '';

/** Every kind's rule as it applies to a branch: its own row, else the network's, else the default. */
export type EffectiveRules = { [K in AlertKind]: AlertRule<K> & { source: 'branch' | 'network' | 'default' } };

/** The rules in force at each of `branchIds`: one read for all of them. */
export async function effectiveAlertRules(db: Kysely<Database>, branchIds: readonly string[]): Promise<Map<string, EffectiveRules>> {
  const rows = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('branch_id', 'in', [NETWORK_RULES, ...branchIds])
    .execute();
  const byScope = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const row of rows) {
    const scope = byScope.get(row.branch_id) ?? new Map();
    scope.set(row.kind, row);
    byScope.set(row.branch_id, scope);
  }
  const result = new Map<string, EffectiveRules>();
  for (const branchId of branchIds) {
    const rules = {} as Record<AlertKind, AlertRule & { source: 'branch' | 'network' | 'default' }>;
    for (const kind of ALERT_KINDS) {
      const own = byScope.get(branchId)?.get(kind);
      const network = byScope.get(NETWORK_RULES)?.get(kind);
      const row = own ?? network;
      const parsed = row && v.safeParse(AlertParamsSchemas[kind], safeJson(row.params));
      rules[kind] =
        row && parsed?.success
          ? { kind, enabled: row.enabled === 1, params: parsed.output as never, ackMinutes: row.ack_minutes, source: own ? 'branch' : 'network' }
          : { ...DEFAULT_ALERT_RULES[kind], source: 'default' };
    }
    result.set(branchId, rules as EffectiveRules);
  }
  return result;
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
