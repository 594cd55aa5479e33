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
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      // A hole (never in parsed JSON) reads as nothing, as Array.prototype.join reads one.
      if (i in value) text += value[i] === undefined ? 'null' : canonicalJson(value[i]);
    }
    return `${text}]`;
  }
  return canonicalObject(value as Record<string, unknown>, undefined);
}

// Every pushed record is hashed with this on the server (bench/ingest.ts): one string built
// as it goes, rather than arrays of keys and members to join, is a quarter less CPU.
function canonicalObject(value: Record<string, unknown>, leaveOut: string | undefined): string {
  const keys = Object.keys(value).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = value[key];
    if (member === undefined || key === leaveOut) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    first = false;
  }
  return `${text}}`;
}

/** The record as its content hash and its staff signature read it: everything but `attestation`, which carries the signature. */
export function signedContent(record: object): string {
  return canonicalObject(record as Record<string, unknown>, 'attestation');
}
