import { expect, it } from 'vitest';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { addReason, editReason, type ReasonInput } from '../../../src/server/services/reasons.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, useTestDatabase } from '../fixtures.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';

const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const LABELS = { 'zh-Hans': '排队', 'zh-Hant': '排隊', en: 'Queue', es: 'Cola' };
const input = (overrides: Partial<ReasonInput> = {}): ReasonInput => ({ branchId: BRANCH_ID, id: 'queue', labels: LABELS, ...overrides });

describeEachDatabase('reason administration', (kind) => {
  const database = useTestDatabase(kind);
  const ids = async () => (await listItems(database.current.db, 'reasons', { branchId: BRANCH_ID })).map((r) => `${r.position}:${r.id}`);
  const version = async () => (await findBranch(database.current.db, BRANCH_ID))!.configVersion;

  it('given a new branch, then it has the default reasons, numbered 1 to 6, all active', async () => {
    await givenBranchWithCounter(database.current);
    const reasons = await listItems(database.current.db, 'reasons', { branchId: BRANCH_ID });
    expect(reasons.map(({ id, scores, labels }) => ({ id, scores, labels }))).toEqual(DEFAULT_REASONS);
    expect(reasons.map((r) => [r.position, r.active])).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, true]));
  });

  it('given a new reason without scores, then it is offered for both and goes at the end', async () => {
    await givenBranchWithCounter(database.current);
    const added = await addReason(database.current.db, input({ labels: { ...LABELS, en: ' Queue ' } }));
    expect(added).toEqual({ ok: true, value: { branchId: BRANCH_ID, id: 'queue', scores: ['neutral', 'dissatisfied'], labels: LABELS, position: 7, active: true } });
  });

  it.each([
    [1, ['1:queue', '2:waiting-time', '3:attitude', '4:professionalism', '5:speed', '6:explanation', '7:environment']],
    [4, ['1:waiting-time', '2:attitude', '3:professionalism', '4:queue', '5:speed', '6:explanation', '7:environment']],
    [99, ['1:waiting-time', '2:attitude', '3:professionalism', '4:speed', '5:explanation', '6:environment', '7:queue']],
  ])('given a reason moved to position %i, then the list is renumbered around it', async (position, expected) => {
    await givenBranchWithCounter(database.current);
    await addReason(database.current.db, input());
    await editReason(database.current.db, BRANCH_ID, 'queue', { position: 1 });
    expect(await editReason(database.current.db, BRANCH_ID, 'queue', { position })).toMatchObject({ ok: true, value: { position: Math.min(position, 7) } });
    expect(await ids()).toEqual(expected);
  });

  it('given one label changed, then the others stay and the config version goes up by one', async () => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    const edited = await editReason(database.current.db, BRANCH_ID, 'speed', { labels: { es: 'Muy lento' }, scores: ['dissatisfied', 'dissatisfied'] });
    expect(edited).toMatchObject({ ok: true, value: { scores: ['dissatisfied'], labels: { ...DEFAULT_REASONS[3]!.labels, es: 'Muy lento' }, position: 4 } });
    expect(await version()).toBe(before + 1);
  });

  it.each<[string, Partial<ReasonInput>, string, string]>([
    ['an id with capitals', { id: 'Queue' }, 'invalid-input', 'id: must be 1 to 64 lower-case letters, digits or dashes'],
    ['an empty label', { labels: { ...LABELS, 'zh-Hant': ' ' } }, 'invalid-input', 'labels.zh-Hant: must not be empty'],
    ['a missing label', { labels: { en: 'Queue', es: 'Cola', 'zh-Hans': '排队' } }, 'invalid-input', 'labels.zh-Hant: Invalid key: Expected "zh-Hant" but received undefined'],
    ['a score that asks no reason', { scores: ['satisfied'] }, 'invalid-input', 'scores.0: must be neutral or dissatisfied'],
    ['no scores', { scores: [] }, 'invalid-input', 'scores: must name neutral, dissatisfied or both'],
    ['an unknown branch', { branchId: UNKNOWN_ID }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['an id the branch has', { id: 'speed' }, 'reason-exists', `Branch ${BRANCH_ID} already has a reason "speed"; change it with \`npm run admin -- reason:set\`.`],
  ])('given %s, then the reason is refused and nothing changes', async (_, overrides, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await addReason(database.current.db, input(overrides))).toEqual({ ok: false, reason, message });
    expect(await ids()).toHaveLength(6);
    expect(await version()).toBe(before);
  });

  it.each<[string, string, string, Parameters<typeof editReason>[3], string, string]>([
    ['an unknown reason', BRANCH_ID, 'queue', { active: false }, 'reason-not-found', `Branch ${BRANCH_ID} has no reason "queue"; list them with \`npm run admin -- reasons --branch ${BRANCH_ID}\`.`],
    ['an unknown branch', UNKNOWN_ID, 'speed', { active: false }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['nothing to change', BRANCH_ID, 'speed', { labels: {} }, 'invalid-input', 'Nothing to change: give a new label, scores, position or active.'],
    ['position 0', BRANCH_ID, 'speed', { position: 0 }, 'invalid-input', 'position: must be 1 or more'],
  ])('given %s, then the edit is refused and nothing changes', async (_, branchId, id, changes, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await editReason(database.current.db, branchId, id, changes)).toEqual({ ok: false, reason, message });
    expect(await version()).toBe(before);
  });
});
