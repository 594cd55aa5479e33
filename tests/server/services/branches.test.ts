import { expect, it } from 'vitest';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { addBranch, addCounter, editBranch } from '../../../src/server/services/branches.ts';
import { issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, SERVER_NOW, useTestDatabase } from '../fixtures.ts';

const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';

describeEachDatabase('branch administration', (kind) => {
  const database = useTestDatabase(kind);

  it('given a name only, then the branch gets English and the default cooldown', async () => {
    const added = await addBranch(database.current.db, { name: '  Harbour Road ' }, SERVER_NOW);
    expect(added).toMatchObject({ ok: true, value: { name: 'Harbour Road', defaultLanguage: 'en', ratingCooldownMs: 3000, timeZone: 'UTC', configVersion: 1 } });
  });

  it('given a time zone, then the branch keeps it', async () => {
    const added = await addBranch(database.current.db, { name: 'Harbour Road', timeZone: 'Asia/Shanghai' }, SERVER_NOW);
    expect(added).toMatchObject({ ok: true, value: { timeZone: 'Asia/Shanghai' } });
  });

  it.each([
    ['an empty name', { name: '   ' }, 'name: must not be empty'],
    ['an unknown language', { name: 'X', defaultLanguage: 'de' }, 'defaultLanguage: must be one of zh-Hans, zh-Hant, en, es'],
    ['a cooldown over a minute', { name: 'X', ratingCooldownMs: 60_001 }, 'ratingCooldownMs: Invalid value: Expected <=60000 but received 60001'],
    ['a negative cooldown', { name: 'X', ratingCooldownMs: -1 }, 'ratingCooldownMs: Invalid value: Expected >=0 but received -1'],
    ['an unknown time zone', { name: 'X', timeZone: 'Mars/Olympus' }, 'timeZone: must be an IANA time zone such as Europe/Madrid or Asia/Shanghai'],
  ])('given %s, then the branch is refused', async (_, input, message) => {
    expect(await addBranch(database.current.db, input, SERVER_NOW)).toEqual({ ok: false, reason: 'invalid-input', message });
  });

  it('given an edit, then the branch changes and its config version goes up by one', async () => {
    await givenBranchWithCounter(database.current);
    const before = await findBranch(database.current.db, BRANCH_ID);
    const edited = await editBranch(database.current.db, BRANCH_ID, { ratingCooldownMs: 4500 });
    expect(edited).toMatchObject({ ok: true, value: { name: 'Main Street', ratingCooldownMs: 4500, configVersion: before!.configVersion + 1 } });
  });

  it('given a new branch, then every language speaks its default voice', async () => {
    const added = await addBranch(database.current.db, { name: 'Harbour Road' }, SERVER_NOW);
    expect(added).toMatchObject({ ok: true, value: { voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-ES' } } });
  });

  it('given Cantonese for 繁體中文, then the branch keeps it, the other languages keep theirs, and a later edit of another language keeps it too', async () => {
    await givenBranchWithCounter(database.current);
    const before = await findBranch(database.current.db, BRANCH_ID);
    const edited = await editBranch(database.current.db, BRANCH_ID, { voices: { 'zh-Hant': 'zh-HK' } });
    expect(edited).toMatchObject({ ok: true, value: { voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-ES' }, configVersion: before!.configVersion + 1 } });
    await editBranch(database.current.db, BRANCH_ID, { voices: { es: 'es-MX' } });
    expect((await findBranch(database.current.db, BRANCH_ID))!.voices).toEqual({ 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-MX' });
  });

  it.each([
    ['Mandarin of the mainland for 繁體中文', { 'zh-Hant': 'zh-CN' }, 'voices.zh-Hant: must be one of zh-HK, zh-TW'],
    ['Argentinian Spanish', { es: 'es-AR' }, 'voices.es: must be one of es-ES, es-MX'],
    ['a language of no screen', { de: 'de-DE' }, 'Nothing to change: give a new name, language, rating cooldown, speech setting, voice or time zone.'],
  ])('given %s, then the voice is refused and nothing changes', async (_, voices, message) => {
    await givenBranchWithCounter(database.current);
    const before = await findBranch(database.current.db, BRANCH_ID);
    expect(await editBranch(database.current.db, BRANCH_ID, { voices } as never)).toEqual({ ok: false, reason: 'invalid-input', message });
    expect(await findBranch(database.current.db, BRANCH_ID)).toEqual(before);
  });

  it.each([
    ['an unknown branch', UNKNOWN_ID, { name: 'X' }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['nothing to change', BRANCH_ID, {}, 'invalid-input', 'Nothing to change: give a new name, language, rating cooldown, speech setting, voice or time zone.'],
    ['an unknown time zone', BRANCH_ID, { timeZone: 'Europe/Atlantis' }, 'invalid-input', 'timeZone: must be an IANA time zone such as Europe/Madrid or Asia/Shanghai'],
  ])('given %s, then the edit is refused', async (_, id, changes, reason, message) => {
    await givenBranchWithCounter(database.current);
    expect(await editBranch(database.current.db, id, changes)).toEqual({ ok: false, reason, message });
  });

  it('given an unknown branch, then a counter is refused', async () => {
    expect(await addCounter(database.current.db, { branchId: UNKNOWN_ID, name: 'W1' }, SERVER_NOW)).toMatchObject({ ok: false, reason: 'branch-not-found' });
  });

  it.each([
    ['an unknown counter', UNKNOWN_ID, 24, 'counter-not-found', `No counter has the id ${UNKNOWN_ID}; list them with \`npm run admin -- counters\`.`],
    ['zero hours', undefined, 0, 'invalid-input', 'hours: must be more than 0 and at most 720'],
  ])('given %s, then no code is issued', async (_, counterId, hours, reason, message) => {
    const { counter } = await givenBranchWithCounter(database.current);
    const issued = await issueEnrollmentCode(database.current.db, { counterId: counterId ?? counter.id, hours }, SERVER_NOW);
    expect(issued).toEqual({ ok: false, reason, message });
  });
});
