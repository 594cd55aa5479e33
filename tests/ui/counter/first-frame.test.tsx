import { waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/store/db.ts';
import { saveEnrollment } from '../../../src/store/device.ts';
import { loadShift } from '../../../src/store/shift.ts';
import { App } from '../../../src/ui/App.tsx';
import { givenOpenCounter } from '../../helpers/counter.ts';
import { anEnrolledDevice, renderWithServices, uniqueDbName } from '../helpers.tsx';
import { LABELS } from './given.tsx';

/** A counter's database mid-shift, with what main.tsx would read from it before the first render. */
async function givenCounterMidShift() {
  const db = createDatabase(uniqueDbName());
  await givenOpenCounter(db);
  const device = anEnrolledDevice();
  await saveEnrollment(db, device);
  return { db, device, shift: await loadShift(db) };
}

const faces = (container: Element) => container.querySelectorAll('[data-screen="counter-ready"] button[data-score]');

describe('the app started on an enrolled counter mid-shift', () => {
  it('given what main.tsx read before the first render, then the four faces are on the first render, and the live queries keep them', async () => {
    const { db, device, shift } = await givenCounterMidShift();

    const { container, getByRole } = renderWithServices(<App />, { db, firstReading: { device, shift } });

    // Synchronously, before any live query has answered.
    expect(faces(container)).toHaveLength(4);
    expect(getByRole('button', { name: LABELS.en.satisfied })).toBeVisible();
    // Once they answer, the same screen.
    await waitFor(() => expect(container.querySelector('.counter')?.getAttribute('data-shift')).toBe('open'));
    expect(faces(container)).toHaveLength(4);
  });

  it('given no first reading (a test, or a reading that failed), then the faces follow the live queries', async () => {
    const { db } = await givenCounterMidShift();

    const { container } = renderWithServices(<App />, { db });

    expect(faces(container)).toHaveLength(0);
    await waitFor(() => expect(faces(container)).toHaveLength(4));
  });

  it('given a first reading, when the shift is closed on another tab, then the screen follows the database, not the reading', async () => {
    const { db, device, shift } = await givenCounterMidShift();
    const { container } = renderWithServices(<App />, { db, firstReading: { device, shift } });
    expect(faces(container)).toHaveLength(4);

    await db.meta.put({ key: 'shift', value: { state: 'closed' } });

    await waitFor(() => expect(container.querySelector('.counter')?.getAttribute('data-shift')).toBe('closed'));
    expect(faces(container)).toHaveLength(0);
  });
});
