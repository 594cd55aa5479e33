import { waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/domain/language.ts';
import { StatusCorner } from '../../src/ui/components/StatusCorner.tsx';
import { givenOpenCounter } from '../helpers/counter.ts';
import { renderWithServices, text } from './helpers.tsx';

// What staff are told when the tablet's storage fails it (issue 8). In Chromium, end to end:
// tests/e2e/tablet-faults.test.ts; here, every language.
describe('the status corner and a full storage', () => {
  it.each(LANGUAGES)('given %s, when a write is refused for lack of space, then the corner says the storage is full, and the warning goes once a write fits', async (language) => {
    const { findByTestId, queryByTestId, services } = renderWithServices(<StatusCorner />, { language });
    await givenOpenCounter(services.db);

    services.db.storagePressure.refused();

    expect((await findByTestId('storage-full')).textContent).toBe(text(language, 'faults.storageFull'));
    services.db.storagePressure.relieved();
    await waitFor(() => expect(queryByTestId('storage-full')).toBeNull());
  });
});
