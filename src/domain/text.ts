import * as v from 'valibot';

// An unpaired UTF-16 surrogate: a high one not followed by a low one, or a low one alone.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether both databases can keep this text exactly as it came. PostgreSQL refuses NUL in
 * text (the whole push would fail, and the tablet retry it for ever), and an unpaired
 * surrogate has no UTF-8 form: PostgreSQL would keep one U+FFFD, SQLite three. A person at a
 * keyboard types neither; only a broken or hostile client sends them.
 */
export const isStorableText = (text: string): boolean => !text.includes('\0') && !LONE_SURROGATE.test(text);

/** A pipe step for every free text a client sends: refuses what a database cannot keep as sent. */
export const storableText = () => v.check<string, string>(isStorableText, 'must not contain NUL characters or unpaired surrogates');
