import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * The keys that sign visit codes (domain/visit-code.ts). One secret per network, made at first
 * need and kept in the settings table, so every server behind a balancer derives the same keys:
 * - a counter tablet's visit key, HMAC(secret, "visit-key/v1/" + device id), given to that
 *   tablet in its configuration while a phone survey is scheduled at its branch;
 * - the card key, HMAC(secret, "card-key/v1"), which only the server holds, for printed cards.
 * A key is tied to its device: a code names the device whose key must check it, so one tablet's
 * key cannot sign another's visits, and a revoked tablet's codes are refused with it.
 */

const SETTING = 'visit_code_secret';

/**
 * The secret as each database handle last read it. It is made once and never changed, so a
 * server reads it once rather than on every counter's configuration pull and every phone page.
 */
const secrets = new WeakMap<Kysely<Database>, Buffer>();

/** The network's secret, made (32 random bytes) the first time it is asked for; two servers racing keep the first. */
export async function visitCodeSecret(db: Kysely<Database>, now = Date.now()): Promise<Buffer> {
  const known = secrets.get(db);
  if (known) return known;
  const read = async () => (await db.selectFrom('settings').select('value').where('key', '=', SETTING).executeTakeFirst())?.value;
  let value = await read();
  if (value === undefined) {
    await db
      .insertInto('settings')
      .values({ key: SETTING, value: JSON.stringify(randomBytes(32).toString('base64url')), updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    value = await read();
  }
  if (value === undefined) throw new Error('the visit code secret was neither found nor made');
  const secret = Buffer.from(JSON.parse(value) as string, 'base64url');
  secrets.set(db, secret);
  return secret;
}

/** A device's visit key, 32 bytes base64url: what its configuration carries and what checks its codes. */
export const visitKeyOf = (secret: Buffer, deviceId: string): string => createHmac('sha256', secret).update(`visit-key/v1/${deviceId}`).digest('base64url');

/** The card key, 32 bytes base64url: printed cards' codes are made and checked with it, on the server only. */
export const cardKeyOf = (secret: Buffer): string => createHmac('sha256', secret).update('card-key/v1').digest('base64url');
