import type { Kysely } from 'kysely';
import type { Database, DeviceRow } from '../db/schema.ts';
import { deviceRowToDevice, type Device } from './devices.ts';

/** A device with the names the dashboard shows beside it. */
export type NamedDevice = Device & { branchName: string; counterName: string | null };

const selectNamed = (db: Kysely<Database>) =>
  db
    .selectFrom('devices')
    .innerJoin('branches', 'branches.id', 'devices.branch_id')
    .leftJoin('counters', 'counters.id', 'devices.counter_id')
    .selectAll('devices')
    .select(['branches.name as branch_name', 'counters.name as counter_name']);

const namedRowToDevice = (row: DeviceRow & { branch_name: string; counter_name: string | null }): NamedDevice => ({
  ...deviceRowToDevice(row),
  branchName: row.branch_name,
  counterName: row.counter_name,
});

/**
 * Devices of every branch or of the ones named, with branch and counter names, by branch
 * name then enrollment; revoked ones too unless `activeOnly`.
 */
export async function listNamedDevices(
  db: Kysely<Database>,
  filter: { branches: 'all' | readonly string[]; activeOnly?: boolean },
): Promise<NamedDevice[]> {
  if (filter.branches !== 'all' && filter.branches.length === 0) return [];
  let query = selectNamed(db);
  if (filter.branches !== 'all') query = query.where('devices.branch_id', 'in', filter.branches);
  if (filter.activeOnly) query = query.where('devices.revoked_at', 'is', null);
  const rows = await query.orderBy('branches.name').orderBy('devices.branch_id').orderBy('devices.enrolled_at').orderBy('devices.id').execute();
  return rows.map(namedRowToDevice);
}

/** One device with its names. */
export async function findNamedDevice(db: Kysely<Database>, id: string): Promise<NamedDevice | undefined> {
  const row = await selectNamed(db).where('devices.id', '=', id).executeTakeFirst();
  return row && namedRowToDevice(row);
}
