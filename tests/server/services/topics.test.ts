import { expect, it } from 'vitest';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { addTopic, editTopic, type TopicInput } from '../../../src/server/services/topics.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, useTestDatabase } from '../fixtures.ts';
import { listItems } from '../../../src/server/repositories/labelled-lists.ts';

const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const LABELS = { 'zh-Hans': '银行卡', 'zh-Hant': '銀行卡', en: 'Cards', es: 'Tarjetas' };
const ALL_KINDS = ['complaint', 'suggestion', 'praise', 'question'];
const input = (overrides: Partial<TopicInput> = {}): TopicInput => ({ branchId: BRANCH_ID, id: 'cards', labels: LABELS, ...overrides });

describeEachDatabase('topic administration', (kind) => {
  const database = useTestDatabase(kind);
  const ids = async () => (await listItems(database.current.db, 'topics', { branchId: BRANCH_ID })).map((t) => `${t.position}:${t.id}`);
  const version = async () => (await findBranch(database.current.db, BRANCH_ID))!.configVersion;

  it('given a new branch, then it has the default topics, numbered 1 to 7, all active', async () => {
    await givenBranchWithCounter(database.current);
    const topics = await listItems(database.current.db, 'topics', { branchId: BRANCH_ID });
    expect(topics.map(({ id, kinds, labels }) => ({ id, kinds, labels }))).toEqual(DEFAULT_TOPICS);
    expect(topics.map((t) => [t.position, t.active])).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, true]));
  });

  it('given a new topic without kinds, then it is offered for every kind, goes at the end and bumps the config version', async () => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    const added = await addTopic(database.current.db, input({ labels: { ...LABELS, en: ' Cards ' } }));
    expect(added).toEqual({ ok: true, value: { branchId: BRANCH_ID, id: 'cards', kinds: ALL_KINDS, labels: LABELS, position: 8, active: true } });
    expect(await version()).toBe(before + 1);
  });

  it('given kinds in any order and repeated, then they are kept once each, in the product order', async () => {
    await givenBranchWithCounter(database.current);
    const added = await addTopic(database.current.db, input({ kinds: ['question', 'complaint', 'question'] }));
    expect(added).toMatchObject({ ok: true, value: { kinds: ['complaint', 'question'] } });
  });

  it.each([
    [1, ['1:cards', '2:waiting', '3:staff', '4:fees', '5:products', '6:self-service', '7:premises', '8:other']],
    [4, ['1:waiting', '2:staff', '3:fees', '4:cards', '5:products', '6:self-service', '7:premises', '8:other']],
    [99, ['1:waiting', '2:staff', '3:fees', '4:products', '5:self-service', '6:premises', '7:other', '8:cards']],
  ])('given a topic moved to position %i, then the list is renumbered around it', async (position, expected) => {
    await givenBranchWithCounter(database.current);
    await addTopic(database.current.db, input());
    await editTopic(database.current.db, BRANCH_ID, 'cards', { position: 1 });
    expect(await editTopic(database.current.db, BRANCH_ID, 'cards', { position })).toMatchObject({ ok: true, value: { position: Math.min(position, 8) } });
    expect(await ids()).toEqual(expected);
  });

  it('given one label changed and the topic switched off, then the others stay, it keeps its place, and the config version goes up by one', async () => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    const edited = await editTopic(database.current.db, BRANCH_ID, 'fees', { labels: { es: 'Cargos' }, kinds: ['complaint'], active: false });
    expect(edited).toMatchObject({ ok: true, value: { kinds: ['complaint'], labels: { ...DEFAULT_TOPICS[2]!.labels, es: 'Cargos' }, position: 3, active: false } });
    expect(await version()).toBe(before + 1);
    expect(await listItems(database.current.db, 'topics', { branchId: BRANCH_ID, activeOnly: true })).toHaveLength(6);
  });

  it.each<[string, Partial<TopicInput>, string, string]>([
    ['an id with capitals', { id: 'Cards' }, 'invalid-input', 'id: must be 1 to 64 lower-case letters, digits or dashes'],
    ['an empty label', { labels: { ...LABELS, 'zh-Hant': ' ' } }, 'invalid-input', 'labels.zh-Hant: must not be empty'],
    ['a label too long', { labels: { ...LABELS, en: 'x'.repeat(81) } }, 'invalid-input', 'labels.en: is longer than 80 characters'],
    ['a missing label', { labels: { en: 'Cards', es: 'Tarjetas', 'zh-Hans': '银行卡' } }, 'invalid-input', 'labels.zh-Hant: Invalid key: Expected "zh-Hant" but received undefined'],
    ['a kind the opinion box lacks', { kinds: ['rant'] }, 'invalid-input', 'kinds.0: must be complaint, suggestion, praise or question'],
    ['no kinds', { kinds: [] }, 'invalid-input', 'kinds: must name at least one of complaint, suggestion, praise or question'],
    ['an unknown branch', { branchId: UNKNOWN_ID }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['an id the branch has', { id: 'fees' }, 'topic-exists', `Branch ${BRANCH_ID} already has a topic "fees"; change it with \`npm run admin -- topic:set\`.`],
  ])('given %s, then the topic is refused and nothing changes', async (_, overrides, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await addTopic(database.current.db, input(overrides))).toEqual({ ok: false, reason, message });
    expect(await ids()).toHaveLength(7);
    expect(await version()).toBe(before);
  });

  it.each<[string, string, string, Parameters<typeof editTopic>[3], string, string]>([
    ['an unknown topic', BRANCH_ID, 'cards', { active: false }, 'topic-not-found', `Branch ${BRANCH_ID} has no topic "cards"; list them with \`npm run admin -- topics --branch ${BRANCH_ID}\`.`],
    ['an unknown branch', UNKNOWN_ID, 'fees', { active: false }, 'branch-not-found', `No branch has the id ${UNKNOWN_ID}; list them with \`npm run admin -- branches\`.`],
    ['nothing to change', BRANCH_ID, 'fees', { labels: {} }, 'invalid-input', 'Nothing to change: give a new label, kinds, position or active.'],
    ['position 0', BRANCH_ID, 'fees', { position: 0 }, 'invalid-input', 'position: must be 1 or more'],
    ['no kinds', BRANCH_ID, 'fees', { kinds: [] }, 'invalid-input', 'kinds: must name at least one of complaint, suggestion, praise or question'],
  ])('given %s, then the edit is refused and nothing changes', async (_, branchId, id, changes, reason, message) => {
    await givenBranchWithCounter(database.current);
    const before = await version();
    expect(await editTopic(database.current.db, branchId, id, changes)).toEqual({ ok: false, reason, message });
    expect(await version()).toBe(before);
  });
});
