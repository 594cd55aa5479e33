import type { Kysely } from 'kysely';
import { HEAD_OFFICE, managesBranchManagers, maySeeBranch, type Viewer } from '../../domain/access.ts';
import type { BranchAdd, BranchEdit, NetworkBranch, NetworkSettings, NetworkSettingsEdit, NetworkView, RegionInput } from '../../domain/manage-network.ts';
import { FIGURE_IDS, type Targets } from '../../domain/metrics.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, listBranches, type Branch } from '../repositories/branches.ts';
import { listCounters } from '../repositories/counters.ts';
import { listRegions, type Region } from '../repositories/regions.ts';
import { recordAudit, type Actor } from './audit.ts';
import { addBranch, addCounter, editBranch } from './branches.ts';
import { addRegion, editRegion, moveBranchToRegion } from './regions.ts';
import { percentOf, readCaseDeadlines, readTargets, readWaitTarget, setCaseDeadlines, setTargets, setWaitTarget } from './settings.ts';

/**
 * Manage › Regions & branches (src/server/routes/manage-network.ts) and the CLI's `region:add`,
 * `region:set`, `branch:add`, `branch:set` and `settings:set`: one set of rules. Head office
 * shapes the network (regions, new branches, which region a branch is in, the network's
 * settings); a regional manager edits the settings of their region's branches and nothing
 * else. The CLI's operator has head office's powers. Every change is audited with who made it,
 * in the same transaction; what a tablet holds bumps its branch's config version (the branch
 * and settings services do).
 */

export type NetworkError = 'forbidden' | 'not-found' | 'bad-request';

/** Who acts: a dashboard viewer, checked here; or the server's shell (no viewer), with head office's powers. */
export type NetworkActor = { actor: Actor; viewer?: Viewer };

const isHeadOffice = (by: NetworkActor): boolean => by.viewer === undefined || by.viewer.role === HEAD_OFFICE;

const headOfficeOnly = (by: NetworkActor, what: string) =>
  err('forbidden', `${by.viewer?.staffNumber ?? 'This account'} (${by.viewer?.role ?? '?'}) may not ${what}: only head office shapes the network.`);

/** The services' refusals, as the API's codes. */
function fromService(result: { reason: string; message: string }): Result<never, NetworkError> {
  if (result.reason === 'branch-not-found' || result.reason === 'region-not-found') return err('not-found', result.message);
  return err('bad-request', result.message);
}

/** Asserts a step went through; a refusal ends the whole change (see atomically). */
type Must = <T>(result: Result<T, string>) => T;

class Refused extends Error {
  constructor(readonly refusal: Result<never, NetworkError>) {
    super(refusal.ok ? '' : refusal.message);
  }
}

/**
 * Runs the steps of one change in one transaction: a step refused after an earlier one wrote
 * undoes it (thrown out of the transaction), and the refusal is the answer.
 */
async function atomically<T>(db: Kysely<Database>, steps: (trx: Kysely<Database>, must: Must) => Promise<T>): Promise<Result<T, NetworkError>> {
  const must: Must = (result) => {
    if (result.ok) return result.value;
    throw new Refused(fromService(result));
  };
  try {
    return ok(await inTransaction(db, (trx) => steps(trx, must)));
  } catch (error) {
    if (error instanceof Refused) return error.refusal;
    throw error;
  }
}

const networkBranchOf = (branch: Branch, counters: number): NetworkBranch => ({
  id: branch.id,
  name: branch.name,
  regionId: branch.regionId,
  timeZone: branch.timeZone,
  defaultLanguage: branch.defaultLanguage,
  ratingCooldownMs: branch.ratingCooldownMs,
  speech: branch.speech,
  voices: branch.voices,
  counters,
  configVersion: branch.configVersion,
});

const percentsOf = (targets: Targets) => Object.fromEntries(FIGURE_IDS.map((id) => [id, percentOf(targets[id].value)])) as NetworkSettings['targets'];

export async function readNetworkSettings(db: Kysely<Database>): Promise<NetworkSettings> {
  const [deadlines, targets, waitTargetMinutes] = await Promise.all([readCaseDeadlines(db), readTargets(db), readWaitTarget(db)]);
  return { deadlines, targets: percentsOf(targets), waitTargetMinutes };
}

/**
 * What the viewer may see of the network: head office everything; a regional manager their
 * region with its branches, and not the settings; anyone else nothing (403).
 */
export async function networkView(db: Kysely<Database>, viewer: Viewer): Promise<Result<NetworkView, NetworkError>> {
  const headOffice = viewer.role === HEAD_OFFICE;
  if (!headOffice && !viewer.region) return err('forbidden', `${viewer.staffNumber} (${viewer.role}) does not manage regions or branches.`);
  const [regions, branches, counters] = await Promise.all([listRegions(db), listBranches(db), listCounters(db)]);
  const seen = branches.filter((b) => maySeeBranch(viewer, b.id));
  const counted = new Map<string, number>();
  for (const counter of counters) counted.set(counter.branchId, (counted.get(counter.branchId) ?? 0) + 1);
  return ok({
    regions: regions
      .filter((r) => headOffice || r.id === viewer.region?.id)
      .map((r) => ({ id: r.id, name: r.name, branchCount: branches.filter((b) => b.regionId === r.id).length })),
    branches: seen.map((b) => networkBranchOf(b, counted.get(b.id) ?? 0)),
    settings: headOffice ? await readNetworkSettings(db) : null,
    mayShape: headOffice,
  });
}

/** A new region (head office). */
export async function addNetworkRegion(db: Kysely<Database>, by: NetworkActor, input: RegionInput, now: number): Promise<Result<Region, NetworkError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'add a region');
  return inTransaction(db, async (trx) => {
    const added = await addRegion(trx, { name: input.name }, now);
    if (!added.ok) return fromService(added);
    await recordAudit(trx, by.actor, { action: 'region-add', subject: added.value.id, detail: {} }, now);
    return ok(added.value);
  });
}

/** A region's new name (head office). */
export async function renameNetworkRegion(db: Kysely<Database>, by: NetworkActor, regionId: string, input: RegionInput, now: number): Promise<Result<Region, NetworkError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'rename a region');
  return inTransaction(db, async (trx) => {
    const edited = await editRegion(trx, regionId, { name: input.name });
    if (!edited.ok) return fromService(edited);
    await recordAudit(trx, by.actor, { action: 'region-edit', subject: regionId, detail: { fields: ['name'] } }, now);
    return ok(edited.value);
  });
}

/**
 * A new branch (head office), with its default reasons and topics, in a region or none, with
 * its speech and voices, and its first counter when named: all or nothing.
 */
export async function addNetworkBranch(db: Kysely<Database>, by: NetworkActor, input: BranchAdd, now: number): Promise<Result<NetworkBranch, NetworkError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'add a branch');
  const counterName = input.counterName?.trim() ?? '';
  return atomically(db, async (trx, must) => {
    const { defaultLanguage, ratingCooldownMs, timeZone } = input;
    const branch = must(await addBranch(trx, { name: input.name, defaultLanguage, ratingCooldownMs, timeZone }, now));
    if (input.regionId !== null) must(await moveBranchToRegion(trx, branch.id, input.regionId));
    if (input.speech !== undefined || input.voices !== undefined) must(await editBranch(trx, branch.id, { speech: input.speech, voices: input.voices }));
    if (counterName !== '') must(await addCounter(trx, { branchId: branch.id, name: counterName }, now));
    await recordAudit(trx, by.actor, { action: 'branch-add', branchId: branch.id, subject: branch.id, detail: { regionId: input.regionId, counter: counterName !== '' } }, now);
    return networkBranchOf((await findBranch(trx, branch.id))!, counterName === '' ? 0 : 1);
  });
}

/**
 * Changes a branch's settings: head office any branch, a regional manager their region's;
 * only head office moves it to another region. An unknown branch is 404 for head office and
 * 403 for anyone else, who cannot probe other regions' ids.
 */
export async function editNetworkBranch(db: Kysely<Database>, by: NetworkActor, branchId: string, edit: BranchEdit, now: number): Promise<Result<NetworkBranch, NetworkError>> {
  // A branch manager sees their branch but does not set it up: that is their region's or head office's.
  if (by.viewer && (!managesBranchManagers(by.viewer) || !maySeeBranch(by.viewer, branchId))) {
    return err('forbidden', `${by.viewer.staffNumber} (${by.viewer.role}) may edit the settings of their own region's branches only.`);
  }
  const { regionId, ...settings } = edit;
  if (regionId !== undefined && !isHeadOffice(by)) return headOfficeOnly(by, 'move a branch to another region');
  const before = await findBranch(db, branchId);
  if (!before) return err('not-found', `No branch has the id ${branchId}.`);
  const fields = Object.entries(settings).filter(([, value]) => value !== undefined).map(([field]) => field);
  const moved = regionId !== undefined && regionId !== before.regionId;
  if (fields.length === 0 && !moved) return ok(networkBranchOf(before, (await listCounters(db, branchId)).length));
  return atomically(db, async (trx, must) => {
    if (fields.length > 0) must(await editBranch(trx, branchId, settings));
    if (moved) must(await moveBranchToRegion(trx, branchId, regionId));
    const zoneChanged = settings.timeZone !== undefined && settings.timeZone !== before.timeZone;
    const detail = {
      fields: moved ? [...fields, 'regionId'] : fields,
      ...(moved && { regionFrom: before.regionId, regionTo: regionId }),
      ...(zoneChanged && { timeZoneFrom: before.timeZone, timeZoneTo: settings.timeZone }),
    };
    await recordAudit(trx, by.actor, { action: 'branch-edit', branchId, subject: branchId, detail }, now);
    return networkBranchOf((await findBranch(trx, branchId))!, (await listCounters(trx, branchId)).length);
  });
}

/**
 * The network's settings (head office): the reply deadlines (every branch's config version is
 * bumped, since tablets hold them), the programme's targets and the waiting-time target (read
 * by the reports).
 */
export async function setNetworkSettings(db: Kysely<Database>, by: NetworkActor, edit: NetworkSettingsEdit, now: number): Promise<Result<NetworkSettings, NetworkError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'change the network settings');
  const deadlines = { replyWithinHours: edit.replyWithinHours, notOnSpotWithinHours: edit.notOnSpotWithinHours };
  const targets = edit.targets ?? {};
  const deadlinesGiven = Object.values(deadlines).some((value) => value !== undefined);
  const targetsGiven = Object.values(targets).some((value) => value !== undefined);
  const waitTargetGiven = edit.waitTargetMinutes !== undefined;
  if (!deadlinesGiven && !targetsGiven && !waitTargetGiven) return err('bad-request', 'Nothing to change: give a reply deadline, a target or a waiting-time target.');
  return atomically(db, async (trx, must) => {
    if (deadlinesGiven) must(await setCaseDeadlines(trx, deadlines, now));
    if (targetsGiven) must(await setTargets(trx, targets, now));
    if (edit.waitTargetMinutes !== undefined) must(await setWaitTarget(trx, edit.waitTargetMinutes, now));
    const settings = await readNetworkSettings(trx);
    const detail = { deadlines: settings.deadlines, targets: settings.targets, waitTargetMinutes: settings.waitTargetMinutes };
    await recordAudit(trx, by.actor, { action: 'network-settings', subject: 'network', detail }, now);
    return settings;
  });
}
