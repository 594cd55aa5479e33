import * as v from 'valibot';

/** A topic's id (topic.ts): on its own so that case events can name one without importing the opinion box. */
export const TopicIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'must be 1 to 64 lower-case letters, digits or dashes'));
