import { expect, it } from 'vitest';
import { findDevice } from '../../../src/server/repositories/devices.ts';
import { shellActor } from '../../../src/server/services/audit.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { editTablet, replaceTablet } from '../../../src/server/services/tablets.ts';
import { COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, useTestDatabase } from '../fixtures.ts';

const LATER = SERVER_NOW + 60_000;

describeEachDatabase('replacing a tablet', (kind) => {
  const database = useTestDatabase(kind);

  async function givenReplacementCode() {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const old = await givenEnrolledDevice(database.current);
    const labelled = await editTablet(db, 'shell', { deviceId: old.deviceId, edit: { label: 'Window 3, left' }, actor: shellActor() }, SERVER_NOW);
    if (!labelled.ok) throw new Error(labelled.message);
    const replacement = await replaceTablet(db, 'shell', { deviceId: old.deviceId, actor: shellActor() }, SERVER_NOW);
    if (!replacement.ok) throw new Error(replacement.message);
    return { db, old, code: replacement.value.issued.formatted };
  }

  it('given a replacement code, when a tablet enrolls with it, then the old device is revoked in that enrollment and the new one takes its counter and label', async () => {
    const { db, old, code } = await givenReplacementCode();

    const enrolled = await enrollDevice(db, { code, appVersion: '1.0.0', deviceLabel: 'Chromium' }, LATER);

    expect(enrolled).toMatchObject({ ok: true, value: { mode: 'counter', config: { counter: { id: COUNTER_ID } } } });
    const fresh = enrolled.ok ? enrolled.value.deviceId : '';
    expect(await findDevice(db, fresh)).toMatchObject({ placeLabel: 'Window 3, left', label: 'Chromium', counterId: COUNTER_ID, revokedAt: null });
    expect(await findDevice(db, old.deviceId)).toMatchObject({ revokedAt: LATER, placeLabel: 'Window 3, left' });
    expect(await db.selectFrom('enrollment_codes').select(['device_id', 'replaces_device_id']).where('replaces_device_id', '=', old.deviceId).execute()).toEqual([
      { device_id: fresh, replaces_device_id: old.deviceId },
    ]);
  });

  it('given a replacement code used once, when it is used again, then it is refused and nothing more is enrolled or revoked', async () => {
    const { db, code } = await givenReplacementCode();
    expect((await enrollDevice(db, { code, appVersion: '1.0.0' }, LATER)).ok).toBe(true);
    const devices = await db.selectFrom('devices').select(['id', 'revoked_at']).orderBy('id').execute();

    expect(await enrollDevice(db, { code, appVersion: '1.0.0' }, LATER + 1)).toMatchObject({ ok: false, reason: 'enrollment-code-invalid' });

    expect(await db.selectFrom('devices').select(['id', 'revoked_at']).orderBy('id').execute()).toEqual(devices);
  });

  it('given a replacement code for a tablet revoked since, when a tablet enrolls with it, then it is refused and the code stays unspent', async () => {
    const { db, old, code } = await givenReplacementCode();
    await db.updateTable('devices').set({ revoked_at: SERVER_NOW + 1 }).where('id', '=', old.deviceId).execute();

    const refused = await enrollDevice(db, { code, appVersion: '1.0.0' }, LATER);

    expect(refused).toMatchObject({ ok: false, reason: 'enrollment-code-invalid' });
    expect(refused.ok ? '' : refused.message).toContain('revoked already');
    expect(await db.selectFrom('devices').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('enrollment_codes').select('used_at').where('replaces_device_id', '=', old.deviceId).execute()).toEqual([{ used_at: null }]);
    expect(await replaceTablet(db, 'shell', { deviceId: old.deviceId, actor: shellActor() }, LATER)).toMatchObject({ ok: false, reason: 'bad-request' });
  });
});
