import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_QUEUE_CSV_BYTES } from '../../domain/queue.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { listQueueSystems } from '../repositories/queue-systems.ts';
import { shellActor } from '../services/audit.ts';
import { importQueueCsv } from '../services/queue-events.ts';
import { addQueueSystem, revokeQueueSystemById, type QueueActor } from '../services/queue-systems.ts';
import { positional, required, str, table, text, time, type Command } from './args.ts';

/**
 * The admin CLI's queue-system commands (decision 0027): a branch's keys and the import of
 * its queue system's export, through the same services as Manage › Queue system. Whoever runs
 * them has a shell on the server: head office's powers, audited as the OS account.
 */

const now = () => Date.now();
const operator = (): QueueActor => ({ actor: shellActor() });

/** The export's bytes as text in `charset`; the file is refused whole when it is not that. */
async function readExport(path: string, charset: string): Promise<Result<string>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(path));
  } catch (error) {
    return err('invalid-input', `Cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes.length > MAX_QUEUE_CSV_BYTES) return err('invalid-input', `${path} is over ${MAX_QUEUE_CSV_BYTES} bytes; import it a day at a time.`);
  try {
    return ok(new TextDecoder(charset, { fatal: true }).decode(bytes));
  } catch {
    return err('invalid-input', `${path} is not ${charset} text (or ${charset} is no charset); a queue system that writes GBK needs --charset gb18030.`);
  }
}

export const QUEUE_COMMANDS: Record<string, Command> = {
  'queue:keys': {
    usage: 'queue:keys [--branch <branchId>]',
    summary: "list the queue systems' keys (never the keys themselves): who made each, its last use and address, revoked or not",
    options: { branch: text },
    run: async (db, { values }) => {
      const rows = (await listQueueSystems(db, str(values.branch))).map((s) => [
        s.id,
        s.branchId,
        s.name,
        time(s.createdAt),
        s.createdBy,
        s.lastSeenAt === null ? '-' : time(s.lastSeenAt),
        s.lastAddress ?? '-',
        s.revokedAt === null ? '-' : time(s.revokedAt),
      ]);
      return ok(table(['id', 'branch', 'name', 'created', 'by', 'last seen', 'address', 'revoked'], rows));
    },
  },
  'queue:key': {
    usage: 'queue:key --branch <branchId> --name <name>',
    summary: "make a key for a branch's queue system to post its ticket events with (POST /api/queue/events); printed this once; audited",
    options: { branch: text, name: text },
    run: async (db, { values }) => {
      const branch = required(values, 'branch', 'queue:key');
      const name = required(values, 'name', 'queue:key');
      if (!branch.ok) return branch;
      if (!name.ok) return name;
      const added = await addQueueSystem(db, operator(), branch.value, name.value, now());
      if (!added.ok) return added;
      const { system, key } = added.value;
      return ok(`Queue system ${system.id} "${system.name}" of branch ${system.branchId}.\nKey (shown this once; the server keeps only its hash): ${key}`);
    },
  },
  'queue:revoke': {
    usage: 'queue:revoke <queueSystemId>',
    summary: "revoke a queue system's key: its posts are refused at once; audited",
    options: {},
    argument: 'queueSystemId',
    run: async (db, { positionals }) => {
      const id = positional(positionals, 'queueSystemId', 'queue:revoke');
      if (!id.ok) return id;
      const revoked = await revokeQueueSystemById(db, operator(), id.value, now());
      if (!revoked.ok) return revoked;
      const { system } = revoked.value;
      return ok(`Queue system ${system.id} "${system.name}" of branch ${system.branchId} is revoked (since ${time(system.revokedAt!)}).`);
    },
  },
  'queue:import': {
    usage: 'queue:import --branch <branchId> --file <export.csv> [--charset utf-8|gb18030]',
    summary:
      "import a queue system's export (CSV with a header naming ticket, event, time, counter and service; time as epoch ms, ISO with zone, or the branch's local time); events held already are duplicates; audited",
    options: { branch: text, file: text, charset: text },
    run: async (db, { values }) => {
      const branch = required(values, 'branch', 'queue:import');
      const file = required(values, 'file', 'queue:import');
      if (!branch.ok) return branch;
      if (!file.ok) return file;
      const csv = await readExport(file.value, str(values.charset) ?? 'utf-8');
      if (!csv.ok) return csv;
      const imported = await importQueueCsv(db, operator(), branch.value, csv.value, now());
      if (!imported.ok) return imported;
      const { total, stored, duplicate, rejected, problems } = imported.value;
      const summary = `${total} events: ${stored} stored, ${duplicate} held already, ${rejected} rejected.`;
      if (problems.length === 0) return ok(summary);
      const more = rejected > problems.length ? `\n(the first ${problems.length} of ${rejected} shown)` : '';
      return ok(`${summary}\n${table(['line', 'reason', 'message'], problems.map((p) => [String(p.line), p.reason, p.message]))}${more}`);
    },
  },
};
