import { fromBase64Url, toBase64Url } from './base64url.ts';
import { signedContent } from './canonical.ts';
import type { Attestation } from './attestation.ts';

/**
 * Signing a record in a staff session, on the tablet (WebCrypto): apart from the attestation's
 * shape, so that a counter's first JavaScript carries neither this nor the canonical JSON it
 * signs; the staff screens load it (decision 0014).
 */

/** The bytes a record's signature covers: its canonical JSON without the attestation itself. */
export const signedBytes = (record: object): Uint8Array => new TextEncoder().encode(signedContent(record));

/**
 * Imports a session's key for signing. Not extractable: a script on the page can use it while
 * the page lives, but cannot copy it out, and nothing of it reaches IndexedDB.
 */
export async function importSessionKey(key: string): Promise<CryptoKey> {
  const raw = fromBase64Url(key);
  if (!raw) throw new TypeError('a session key is base64url');
  return crypto.subtle.importKey('raw', raw as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** Signs a record with a session's key: the `server` attestation it then carries. */
export async function attestRecord(record: object, session: { sessionId: string; key: CryptoKey }): Promise<Attestation> {
  const signature = await crypto.subtle.sign('HMAC', session.key, signedBytes(record) as BufferSource);
  return { by: 'server', sessionId: session.sessionId, proof: toBase64Url(new Uint8Array(signature)) };
}
