/**
 * One spelling of a JSON value, whatever order its keys were written in: object keys sorted
 * by code unit, no whitespace, `undefined` members left out as JSON.stringify leaves them.
 * The tablet and the server both hash and sign records in this form, and a record that made
 * the trip through JSON (and through a schema, which may order keys its own way) reads the
 * same on both sides.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // undefined, a function or a symbol: not JSON, and nothing a record may hold.
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not a JSON value`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const members = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** The record as its content hash and its staff signature read it: everything but `attestation`, which carries the signature. */
export function signedContent(record: object): string {
  const { attestation: _attestation, ...content } = record as { attestation?: unknown };
  return canonicalJson(content);
}
