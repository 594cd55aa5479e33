import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { storableText } from '../../domain/text.ts';
import { PasswordSchema } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { StaffNumberSchema } from '../../domain/teller.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { hashPassword } from '../passwords.ts';
import type { AccountHolder } from '../repositories/accounts.ts';
import { findBranch } from '../repositories/branches.ts';
import { findRegion, findRegionByName, insertRegion, renameRegion, setBranchRegion, type Region } from '../repositories/regions.ts';
import { storeNewAccount, type AccountError } from './accounts.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';

/**
 * Regions: the level between head office and the branches. Head office makes them, puts
 * branches in them, and gives each a regional manager, who sees and manages its branches.
 * The CLI and the dashboard's Manage pages both come here.
 */

export type RegionError = AdminError | 'region-not-found' | 'region-exists';

export const RegionNameSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

export const regionNotFound = (id: string) => err('region-not-found', `No region has the id ${id}; list them with \`npm run admin -- regions\`.`);

const regionExists = (name: string) => err('region-exists', `A region is already called ${name}; region names are unique.`);

/** Adds a region; its name is unique, whatever its case. */
export async function addRegion(db: Kysely<Database>, input: { name: string; id?: string }, now: number): Promise<Result<Region, RegionError>> {
  const parsed = parseInput(RegionNameSchema, input.name);
  if (!parsed.ok) return { ...parsed, message: `name: ${parsed.message}` };
  const name = parsed.value;
  return inTransaction(db, async (trx) => {
    if (await findRegionByName(trx, name)) return regionExists(name);
    const region = { id: input.id ?? uuidv7(), name, createdAt: now };
    await insertRegion(trx, region);
    return ok(region);
  });
}

/** Renames a region. */
export async function editRegion(db: Kysely<Database>, id: string, input: { name: string }): Promise<Result<Region, RegionError>> {
  const parsed = parseInput(RegionNameSchema, input.name);
  if (!parsed.ok) return { ...parsed, message: `name: ${parsed.message}` };
  const name = parsed.value;
  return inTransaction(db, async (trx) => {
    const other = await findRegionByName(trx, name);
    if (other && other.id !== id) return regionExists(name);
    if (!(await renameRegion(trx, id, name))) return regionNotFound(id);
    const region = await findRegion(trx, id);
    return region ? ok(region) : regionNotFound(id);
  });
}

/**
 * Puts a branch in a region, or takes it out of any (null). Its regional manager sees it
 * from their next request; its past records move with it, since reports read the region now.
 */
export async function moveBranchToRegion(db: Kysely<Database>, branchId: string, regionId: string | null): Promise<Result<{ branchId: string; regionId: string | null }, RegionError>> {
  return inTransaction(db, async (trx) => {
    if (regionId !== null && !(await findRegion(trx, regionId))) return regionNotFound(regionId);
    if (!(await findBranch(trx, branchId))) return branchNotFound(branchId);
    await setBranchRegion(trx, branchId, regionId);
    return ok({ branchId, regionId });
  });
}

const RegionalAccountSchema = v.object({
  staffNumber: v.pipe(v.string(), v.trim(), StaffNumberSchema),
  name: v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters')),
  password: PasswordSchema,
});

/**
 * Adds a regional manager's dashboard account: no roster entry and no branch of its own; it
 * sees the branches of its region as they are on each request.
 */
export async function addRegionalAccount(
  db: Kysely<Database>,
  input: { staffNumber: string; name: string; password: string; regionId: string; mustChangePassword: boolean },
  now: number,
): Promise<Result<AccountHolder, AccountError | 'region-not-found'>> {
  const parsed = parseInput(RegionalAccountSchema, { staffNumber: input.staffNumber, name: input.name, password: input.password });
  if (!parsed.ok) return parsed;
  if (!(await findRegion(db, input.regionId))) return regionNotFound(input.regionId);
  const passwordHash = await hashPassword(parsed.value.password);
  const { staffNumber, name } = parsed.value;
  return storeNewAccount(
    db,
    { staffNumber, tellerId: null, name, headOffice: false, regionId: input.regionId, active: true, mustChangePassword: input.mustChangePassword, createdAt: now, updatedAt: now },
    passwordHash,
  );
}
