import type { Kysely } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { RotateTokenResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import type { AuthenticatedDevice } from '../plugins/device-auth.ts';
import { replaceToken } from '../repositories/devices.ts';
import { hashSecret, newDeviceToken } from '../secrets.ts';

export type RotateError = 'token-in-use' | 'rotation-raced';

/**
 * Gives a device a new token, as enrollment does: 32 random bytes, only their sha256 kept
 * (decision 0016). Asked with the current token, it becomes the previous one; asked with the
 * previous one while the current one was never used (the tablet never got that answer, or
 * could not keep it), the unused one is replaced. Either way the token the request came with
 * keeps working until the new one is first used.
 */
export async function rotateDeviceToken(
  db: Kysely<Database>,
  device: Pick<AuthenticatedDevice, 'id' | 'token'>,
  now: number,
): Promise<Result<RotateTokenResponse, RotateError>> {
  const token = newDeviceToken();
  const replaced = await inTransaction(db, (trx) => replaceToken(trx, device.id, device.token, hashSecret(token), now));
  if (replaced) return ok({ token });
  if (device.token.use === 'previous') {
    return err('token-in-use', "This token was already replaced by one this device has used; ask for a new token with that one.");
  }
  return err('rotation-raced', "Another request replaced this device's token at the same moment; send this request again.");
}
