/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// No query reads ratings by branch and teller any more: the reports read the roll-ups
// (rating_days), and what reads ratings goes by id, by counter and time (alerts, the queue
// matcher) or by branch (a rebuild), which ratings_branch_id_received_at serves. The index
// only cost every push's insert a B-tree more to keep. Frozen in time like 0001–0016.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('ratings_branch_id_teller_id_received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('ratings_branch_id_teller_id_received_at').on('ratings').columns(['branch_id', 'teller_id', 'received_at']).execute();
}
