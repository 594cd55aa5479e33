import * as v from 'valibot';
import { storableText } from './text.ts';
import { IdSchema } from './ids.ts';
import { OPINION_KINDS, type OpinionKind } from './opinion.ts';
import { REASON_SCORES, type ReasonLabels } from './reason.ts';

/**
 * Manage › Counters & lists: a branch's counters, the reasons a customer may pick after a
 * neutral or dissatisfied rating, and the lobby opinion box's topics, on the dashboard
 * (src/server/routes/manage-setup.ts). The same services as `npm run admin -- counter:add,
 * reason:add, reason:set, topic:add, topic:set`; nothing is ever deleted, since ratings,
 * opinions and cases name their counter, reasons and topic: an item is switched off instead.
 */

/** The two labelled lists of a branch. */
export const SETUP_LISTS = ['reasons', 'topics'] as const;
export type SetupList = (typeof SETUP_LISTS)[number];

/** An item's id in a branch's list: a slug made by the server from the English label. */
const ItemIdSchema = v.pipe(v.string('must be text'), v.regex(/^[a-z0-9-]{1,64}$/, 'must be 1 to 64 lower-case letters, digits or dashes'));

/** PATCH /api/manage/counters/:counterId. */
export const CounterParamsSchema = v.object({ counterId: IdSchema });
/** PATCH /api/manage/branches/:branchId/reasons/:itemId and …/topics/:itemId: an item's id is its branch's. */
export const ItemParamsSchema = v.object({ branchId: IdSchema, itemId: ItemIdSchema });

/** The longest counter name; the same as services/branches.ts allows the CLI. */
export const COUNTER_NAME_MAX = 100;
/** The longest label of a reason or topic, in any language (domain/reason.ts, topic.ts). */
export const LABEL_MAX = 80;

const CounterNameSchema = v.pipe(
  v.string('must be text'),
  storableText(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(COUNTER_NAME_MAX, `is longer than ${COUNTER_NAME_MAX} characters`),
);

/** POST /api/manage/branches/:branchId/counters and PATCH /api/manage/counters/:counterId: its name. */
export const CounterNameBodySchema = v.strictObject({ name: CounterNameSchema });
export type CounterNameBody = v.InferOutput<typeof CounterNameBodySchema>;

const LabelSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(LABEL_MAX, `is longer than ${LABEL_MAX} characters`));
/** A label in every product language; all four are required. */
export const SetupLabelsSchema = v.strictObject({ en: LabelSchema, es: LabelSchema, 'zh-Hans': LabelSchema, 'zh-Hant': LabelSchema });

const ScoresSchema = v.pipe(
  v.array(v.picklist(REASON_SCORES, `must be one of ${REASON_SCORES.join(', ')}`), 'must be a list'),
  v.minLength(1, 'must name at least one score'),
  v.check((scores) => new Set(scores).size === scores.length, 'must not name a score twice'),
);
const KindsSchema = v.pipe(
  v.array(v.picklist(OPINION_KINDS, `must be one of ${OPINION_KINDS.join(', ')}`), 'must be a list'),
  v.minLength(1, 'must name at least one kind'),
  v.check((kinds) => new Set(kinds).size === kinds.length, 'must not name a kind twice'),
);
const ActiveSchema = v.boolean('must be true or false');

/** POST /api/manage/branches/:branchId/reasons: a new reason at the end of the list. */
export const ReasonAddSchema = v.strictObject({ labels: SetupLabelsSchema, scores: ScoresSchema });
export type ReasonAdd = v.InferOutput<typeof ReasonAddSchema>;

/** POST /api/manage/branches/:branchId/topics: a new topic at the end of the list. */
export const TopicAddSchema = v.strictObject({ labels: SetupLabelsSchema, kinds: KindsSchema });
export type TopicAdd = v.InferOutput<typeof TopicAddSchema>;

const nothingToChange = (what: string) => `nothing to change: give ${what}`;

/** PATCH …/reasons/:itemId: new labels (all four), scores or status; at least one. */
export const ReasonEditSchema = v.pipe(
  v.strictObject({ labels: v.optional(SetupLabelsSchema), scores: v.optional(ScoresSchema), active: v.optional(ActiveSchema) }),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), nothingToChange('labels, scores or active')),
);
export type ReasonEdit = v.InferOutput<typeof ReasonEditSchema>;

/** PATCH …/topics/:itemId: new labels (all four), kinds or status; at least one. */
export const TopicEditSchema = v.pipe(
  v.strictObject({ labels: v.optional(SetupLabelsSchema), kinds: v.optional(KindsSchema), active: v.optional(ActiveSchema) }),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), nothingToChange('labels, kinds or active')),
);
export type TopicEdit = v.InferOutput<typeof TopicEditSchema>;

/**
 * PUT /api/manage/branches/:branchId/order: a list's whole new order, every item of the
 * branch's list once (active or not). The whole order rather than "one up", so a page that
 * was looking at an old list is refused instead of moving the wrong item.
 */
export const SetupOrderSchema = v.strictObject({
  list: v.picklist(SETUP_LISTS, `must be one of ${SETUP_LISTS.join(', ')}`),
  ids: v.pipe(
    v.array(ItemIdSchema, 'must be a list of ids'),
    v.minLength(1, 'must name every item of the list'),
    v.maxLength(500, 'is too long'),
    v.check((ids) => new Set(ids).size === ids.length, 'must not name an item twice'),
  ),
});
export type SetupOrder = v.InferOutput<typeof SetupOrderSchema>;

export interface SetupCounter {
  id: string;
  name: string;
  /** What the branch's queue system calls it; null: not mapped (set on Manage › Queue system). */
  queueCode: string | null;
}

interface SetupItem {
  id: string;
  labels: ReasonLabels;
  /** 1, 2, 3… in the order the tablets offer them. */
  position: number;
  active: boolean;
}
export interface SetupReason extends SetupItem {
  scores: (typeof REASON_SCORES)[number][];
}
export interface SetupTopic extends SetupItem {
  kinds: OpinionKind[];
}

/** GET /api/manage/branches/:branchId/setup. */
export interface BranchSetup {
  branch: { id: string; name: string; configVersion: number };
  counters: SetupCounter[];
  reasons: SetupReason[];
  topics: SetupTopic[];
}
