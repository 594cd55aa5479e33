import { expect, it } from 'vitest';
import { verifyPin } from '../../../src/domain/pin.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { findTeller, listTellers } from '../../../src/server/repositories/tellers.ts';
import { addTeller, editTeller, type TellerInput } from '../../../src/server/services/tellers.ts';
import { BRANCH_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, SERVER_NOW, TELLER_PIN, useTestDatabase } from '../fixtures.ts';

const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const input = (overrides: Partial<TellerInput> = {}): TellerInput => ({ branchId: BRANCH_ID, staffNumber: '2002', name: 'Ana Ruiz', pin: '1357', ...overrides });

describeEachDatabase('teller administration', (kind) => {
  const database = useTestDatabase(kind);
  const version = async () => (await findBranch(database.current.db, BRANCH_ID))!.configVersion;

  it('given the required fields only, then the teller has 3 stars, no photo, is active, and only a hash of the PIN is stored', async () => {
    await givenBranchWithCounter(database.current);
    const added = await addTeller(database.current.db, input({ name: '  Ana Ruiz ' }), SERVER_NOW);
    if (!added.ok) throw new Error(added.message);
    expect(added.value).toMatchObject({ branchId: BRANCH_ID, staffNumber: '2002', name: 'Ana Ruiz', stars: 3, photo: null, active: true, createdAt: SERVER_NOW });
    expect(await findTeller(database.current.db, added.value.id)).toEqual(added.value);
    expect(JSON.stringify(added.value)).not.toContain('1357');
    expect(await verifyPin('1357', added.value.pin)).toBe(true);
  });

  it('given two tellers with the same PIN, then their salts and hashes differ', async () => {
    const { teller: one } = await givenBranchWithCounter(database.current);
    const two = await addTeller(database.current.db, input({ pin: TELLER_PIN }), SERVER_NOW);
    if (!two.ok) throw new Error(two.message);
    expect(two.value.pin.salt).not.toBe(one.pin.salt);
    expect(two.value.pin.hash).not.toBe(one.pin.hash);
  });

  it.each<[string, Partial<TellerInput>, string, string]>([
    ['an empty name', { name: ' ' }, 'invalid-input', 'name: must not be empty'],
    ['a PIN of 3 digits', { pin: '123' }, 'invalid-input', 'pin: must be 4 to 8 digits'],
    ['a PIN with a letter', { pin: '12a4' }, 'invalid-input', 'pin: must be 4 to 8 digits'],
    ['0 stars', { stars: 0 }, 'invalid-input', 'stars: must be 1 to 5'],
    ['a staff number with a space', { staffNumber: '20 02' }, 'invalid-input', 'staffNumber: must be 1 to 20 letters, digits or dashes'],
    ['a GIF photo', { photo: 'data:image/gif;base64,R0lGODlh' }, 'invalid-input', 'photo: must be a JPEG, PNG or WebP data URL'],
    ['an unknown branch', { branchId: UNKNOWN_ID }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['a staff number the branch has', { staffNumber: '1001' }, 'staff-number-taken', `Staff number 1001 is already Mei Chen (${TELLER_ID}) in this branch; change that teller with \`npm run admin -- teller:set\`.`],
  ])('given %s, then the teller is refused and nothing changes', async (_, overrides, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await addTeller(database.current.db, input(overrides), SERVER_NOW)).toEqual({ ok: false, reason, message });
    expect(await listTellers(database.current.db)).toHaveLength(1);
    expect(await version()).toBe(before);
  });

  it('given a new PIN, then only the new one verifies and the config version goes up', async () => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    const edited = await editTeller(database.current.db, TELLER_ID, { pin: '86420' });
    if (!edited.ok) throw new Error(edited.message);
    expect(await verifyPin('86420', edited.value.pin)).toBe(true);
    expect(await verifyPin(TELLER_PIN, edited.value.pin)).toBe(false);
    expect(await version()).toBe(before + 1);
  });

  it('given a deactivated teller, then they stay listed as inactive and can come back', async () => {
    await givenBranchWithCounter(database.current);
    expect(await editTeller(database.current.db, TELLER_ID, { active: false })).toMatchObject({ ok: true, value: { active: false } });
    expect(await listTellers(database.current.db, { activeOnly: true })).toEqual([]);
    expect(await editTeller(database.current.db, TELLER_ID, { active: true, stars: 5 })).toMatchObject({ ok: true, value: { active: true, stars: 5, name: 'Mei Chen' } });
  });

  it.each<[string, string, Parameters<typeof editTeller>[2], string, string]>([
    ['an unknown teller', UNKNOWN_ID, { name: 'X' }, 'teller-not-found', `No teller has the id ${UNKNOWN_ID}; list them with \`npm run admin -- tellers\`.`],
    ['nothing to change', TELLER_ID, {}, 'invalid-input', 'Nothing to change: give a new name, PIN, stars, photo, role or active.'],
    ['6 stars', TELLER_ID, { stars: 6 }, 'invalid-input', 'stars: must be 1 to 5'],
  ])('given %s, then the edit is refused and nothing changes', async (_, id, changes, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await editTeller(database.current.db, id, changes)).toEqual({ ok: false, reason, message });
    expect(await version()).toBe(before);
  });
});
