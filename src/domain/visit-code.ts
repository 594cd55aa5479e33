/**
 * A visit's survey code: what the QR code on a counter's thank-you screen (or on a printed
 * card) carries to the customer's phone. The tablet makes it offline, signed with its own visit
 * key; the server checks the signature, the age and that it was never used. It says who served
 * the customer, where and when, so the answer is attributed without asking anything.
 *
 * Binary, then base64url, to keep the QR code small enough for an old phone's camera:
 *
 *   visit (1): [1][device 16][counter 16][teller 16, zeros: none][visited at, s, u32][nonce 6][mac 10]  = 69 bytes, 92 characters
 *   card  (2): [2][counter 16][issued at, s, u32][nonce 6][mac 10]                                      = 37 bytes, 50 characters
 *
 * The mac is HMAC-SHA256 of everything before it, cut to 80 bits: the server answers a guess
 * online and limits guesses per address, so 2^80 is out of reach. WebCrypto on both sides;
 * no valibot here, so the counter's chunk that makes codes stays small.
 */

import { fromBase64Url, toBase64Url } from './base64url.ts';

export { toBase64Url };

/** How long a visit's code can be used after the visit. */
export const VISIT_CODE_TTL_MS = 48 * 3600_000;
/** How long a printed card's code can be used after it was printed. */
export const CARD_CODE_TTL_MS = 60 * 86_400_000;
/** A code dated this far ahead of the server's clock is still taken: a tablet's clock may run a little fast. */
export const CODE_FUTURE_SLACK_MS = 15 * 60_000;
/** The path of the phone page: `${origin}${VISIT_PATH}${code}`. */
export const VISIT_PATH = '/v/';

const MAC_BYTES = 10;
const NONCE_BYTES = 6;
const KIND_VISIT = 1;
const KIND_CARD = 2;
const VISIT_BYTES = 1 + 16 * 3 + 4 + NONCE_BYTES + MAC_BYTES;
const CARD_BYTES = 1 + 16 + 4 + NONCE_BYTES + MAC_BYTES;

/** What a code says, once its signature is checked. Times are whole seconds, in ms. */
export type VisitClaim =
  | { kind: 'visit'; deviceId: string; counterId: string; tellerId: string | null; at: number; nonce: string }
  | { kind: 'card'; counterId: string; at: number; nonce: string };

/** A code read for its shape: the claim, the signed bytes and the mac, and the id it is used once under. */
export type ReadCode = { claim: VisitClaim; signed: Uint8Array; mac: Uint8Array; codeId: string };

const HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidBytes(id: string): Uint8Array {
  if (!HEX.test(id)) throw new RangeError(`${id} is not a lower-case UUID`);
  const hex = id.replace(/-/g, '');
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function uuidOf(bytes: Uint8Array): string | null {
  if (bytes.every((b) => b === 0)) return null;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const u32 = (n: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
};

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The signed bytes of a claim; `nonce` is 6 random bytes, base64url (8 characters). */
function signedBytesOf(claim: VisitClaim): Uint8Array {
  const nonce = fromBase64Url(claim.nonce);
  if (!nonce || nonce.length !== NONCE_BYTES) throw new RangeError('nonce must be 6 bytes, base64url');
  const seconds = Math.floor(claim.at / 1000);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff) throw new RangeError(`time ${claim.at} is out of range`);
  return claim.kind === 'visit'
    ? concat([Uint8Array.of(KIND_VISIT), uuidBytes(claim.deviceId), uuidBytes(claim.counterId), claim.tellerId ? uuidBytes(claim.tellerId) : new Uint8Array(16), u32(seconds), nonce])
    : concat([Uint8Array.of(KIND_CARD), uuidBytes(claim.counterId), u32(seconds), nonce]);
}

/** A fresh nonce from `random` (crypto.getRandomValues on the tablet, randomBytes on the server). */
export const newNonce = (random: (n: number) => Uint8Array): string => toBase64Url(random(NONCE_BYTES));

/** Imports a visit key (32 bytes, base64url) for HMAC-SHA256. Not extractable. */
export async function importVisitKey(key: string): Promise<CryptoKey> {
  const raw = fromBase64Url(key);
  if (!raw || raw.length < 16) throw new RangeError('a visit key is at least 16 bytes, base64url');
  return crypto.subtle.importKey('raw', raw as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

async function macOf(key: CryptoKey, signed: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, signed as BufferSource)).slice(0, MAC_BYTES);
}

/** Makes the code for a claim, signed with `key` (the device's visit key, or the server's card key). */
export async function makeVisitCode(key: CryptoKey, claim: VisitClaim): Promise<string> {
  const signed = signedBytesOf(claim);
  return toBase64Url(concat([signed, await macOf(key, signed)]));
}

/** Reads a code's shape; null when it is not one (wrong length, kind or characters). Says nothing of its signature. */
export function readVisitCode(code: string): ReadCode | null {
  if (code.length > 100) return null;
  const bytes = fromBase64Url(code);
  if (!bytes) return null;
  const kind = bytes[0];
  if (!((kind === KIND_VISIT && bytes.length === VISIT_BYTES) || (kind === KIND_CARD && bytes.length === CARD_BYTES))) return null;
  const signed = bytes.slice(0, bytes.length - MAC_BYTES);
  const mac = bytes.slice(bytes.length - MAC_BYTES);
  const view = new DataView(signed.buffer);
  let claim: VisitClaim;
  if (kind === KIND_VISIT) {
    const deviceId = uuidOf(signed.slice(1, 17));
    const counterId = uuidOf(signed.slice(17, 33));
    if (!deviceId || !counterId) return null;
    claim = { kind: 'visit', deviceId, counterId, tellerId: uuidOf(signed.slice(33, 49)), at: view.getUint32(49) * 1000, nonce: toBase64Url(signed.slice(53)) };
  } else {
    const counterId = uuidOf(signed.slice(1, 17));
    if (!counterId) return null;
    claim = { kind: 'card', counterId, at: view.getUint32(17) * 1000, nonce: toBase64Url(signed.slice(21)) };
  }
  return { claim, signed, mac, codeId: toBase64Url(signed) };
}

/** True when `read`'s mac is the one `key` makes: compared in full, in time that does not depend on where they differ. */
export async function hasValidMac(key: CryptoKey, read: ReadCode): Promise<boolean> {
  const expected = await macOf(key, read.signed);
  let diff = 0;
  for (let i = 0; i < MAC_BYTES; i++) diff |= expected[i]! ^ read.mac[i]!;
  return diff === 0;
}

/** How long a claim's code is good for. */
export const ttlOf = (claim: VisitClaim): number => (claim.kind === 'visit' ? VISIT_CODE_TTL_MS : CARD_CODE_TTL_MS);

/** 'expired' when the code is too old at `now`, 'future' when dated too far ahead, else null. */
export function codeAgeProblem(claim: VisitClaim, now: number): 'expired' | 'future' | null {
  if (claim.at > now + CODE_FUTURE_SLACK_MS) return 'future';
  if (now - claim.at > ttlOf(claim)) return 'expired';
  return null;
}
