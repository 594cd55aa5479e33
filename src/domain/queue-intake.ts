import * as v from 'valibot';
import { QueueCounterCodeSchema, QueueSystemNameSchema, type QueueRejectReason } from './queue.ts';
import { IdSchema } from './ids.ts';

/**
 * Manage › Queue system (src/server/routes/manage-queue.ts): a branch's queue-system keys, the
 * code its queue system calls each counter by, and the import of its daily export. The same
 * services as `npm run admin -- queue:key, queue:revoke, queue:import, counter:set --queue-code`.
 */

/** A queue system's key: this prefix and 32 random bytes, base64url. The prefix tells it from a tablet's token in a config file. */
export const QUEUE_KEY_PREFIX = 'bvq_';

/** POST /api/manage/branches/:branchId/queue/systems: the queue system's name, as the branch knows it ("Lobby ticket printer"). */
export const QueueSystemBodySchema = v.strictObject({ name: QueueSystemNameSchema });
export type QueueSystemBody = v.InferOutput<typeof QueueSystemBodySchema>;

/** POST /api/manage/queue/systems/:id/revoke. */
export const QueueSystemParamsSchema = v.object({ id: IdSchema });

/** PUT /api/manage/counters/:counterId/queue-code: what the queue system calls the counter, or null to unmap it. */
export const QueueCodeBodySchema = v.strictObject({ queueCode: v.nullable(QueueCounterCodeSchema) });
export type QueueCodeBody = v.InferOutput<typeof QueueCodeBodySchema>;

/** A queue system of a branch; its key is never sent again after it was made. */
export interface QueueSystemView {
  id: string;
  branchId: string;
  name: string;
  createdAt: number;
  /** The staff number of the account that made it, or the OS account of the CLI's operator. */
  createdBy: string;
  revokedAt: number | null;
  /** When its key was last used, and from which address: a key used from an unknown address may be a copy. */
  lastSeenAt: number | null;
  lastAddress: string | null;
}

/** A counter and the code the queue system calls it by (null: not mapped). */
export interface QueueCounterView {
  id: string;
  name: string;
  queueCode: string | null;
}

/** GET /api/manage/branches/:branchId/queue. */
export interface QueueSetup {
  systems: QueueSystemView[];
  counters: QueueCounterView[];
  /** The time of the latest event held for the branch (its `at`, as the queue system told it); null: none yet. */
  lastEventAt: number | null;
  /** Events held for the branch's today (its own calendar day). */
  eventsToday: number;
}

/** POST …/queue/systems (201): the system and its key, answered this once. */
export interface QueueSystemKey {
  system: QueueSystemView;
  key: string;
}

/** A line of an import that was not stored: the line number counts the header as line 1. */
export interface QueueImportProblem {
  line: number;
  reason: QueueRejectReason;
  message: string;
}

/** An import answers at most this many problems; `rejected` counts them all. */
export const MAX_IMPORT_PROBLEMS = 100;

/** POST /api/manage/branches/:branchId/queue/import: what the export came to. */
export interface QueueImportResult {
  /** Lines with an event (the header and blank lines not counted). */
  total: number;
  stored: number;
  /** Held already: posted live, or imported before. */
  duplicate: number;
  rejected: number;
  problems: QueueImportProblem[];
}
