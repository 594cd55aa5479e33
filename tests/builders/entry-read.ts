import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { EntryReadSchema, type EntryRead } from '../../src/domain/review.ts';
import { STAFF_ID } from './case-event.ts';
import { BRANCH_ID } from './rating.ts';

/**
 * The complaint manager's "I have read this entry" for `opinionId`, made at 10:30 on the
 * builders' day; valid by EntryReadSchema, with a fresh UUIDv7. Pass only what a test is about.
 */
export function anEntryRead(opinionId: string, overrides: Partial<EntryRead> = {}): EntryRead {
  const role = overrides.role ?? 'complaint-manager';
  return v.parse(EntryReadSchema, {
    kind: 'entry-read',
    id: uuidv7(),
    opinionId,
    branchId: BRANCH_ID,
    staffId: STAFF_ID[role],
    role,
    createdAt: Date.UTC(2026, 10, 23, 10, 30),
    ...overrides,
  });
}
