import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The webhook's signature (src/domain/alerts.ts, SIGNATURE_HEADER): `t=<unix ms>,v1=<hex
 * HMAC-SHA256 of "<t>.<delivery id>.<body>">`, keyed with the webhook's secret as UTF-8 text,
 * exactly as the dashboard showed it. The time is inside what is signed, so a receiver that
 * refuses a `t` too far from its clock refuses a captured request sent again later; so is the
 * delivery id, so one sent again within that time under another id fails too, and the
 * receiver's list of ids seen drops it. Here for the deliverer and
 * for receivers written in Node (and the tests): the domain stays free of node:crypto.
 */

/** A new secret: 32 random bytes, base64url (43 characters), shown once. */
export const newWebhookSecret = (): string => randomBytes(32).toString('base64url');

const hmac = (secret: string, deliveryId: string, body: string, t: number): string => createHmac('sha256', secret).update(`${t}.${deliveryId}.${body}`).digest('hex');

/** The signature header's value for delivery `deliveryId` of `body`, sent at `t` (ms). */
export const signWebhook = (secret: string, deliveryId: string, body: string, t: number): string => `t=${t},v1=${hmac(secret, deliveryId, body, t)}`;

/**
 * Whether a signature header is the secret's signature of delivery `deliveryId` of `body`,
 * made within `toleranceMs` of `now`. Compared in constant time; several `v1=` (a receiver mid-rotation) pass if any matches.
 */
export function verifyWebhookSignature(header: string | null | undefined, deliveryId: string, body: string, secret: string, now: number, toleranceMs: number): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim());
  const t = Number(parts.find((part) => part.startsWith('t='))?.slice(2));
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > toleranceMs) return false;
  const expected = Buffer.from(hmac(secret, deliveryId, body, t), 'hex');
  return parts
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
