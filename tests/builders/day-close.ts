import { closeStateOf, type DayCloseDevice, type DayCloseStatus } from '../../src/domain/day-close.ts';
import { STAFF_ID } from './case-event.ts';
import { BRANCH_ID, COUNTER_ID } from './rating.ts';

/**
 * A device as the day-close report lists it: a counter tablet heard from a minute before
 * `since`, with nothing waiting, unless told otherwise. Its state follows from its report by
 * the domain's rule, as the server's does, unless a test sets it.
 */
export function aCloseDevice(since: number, overrides: Partial<DayCloseDevice> = {}): DayCloseDevice {
  const device = {
    id: crypto.randomUUID(),
    mode: 'counter' as const,
    label: null,
    counterId: COUNTER_ID,
    counterName: 'Counter 3',
    lastSeenAt: since - 60_000,
    outboxDepth: 0,
    oldestUnsyncedAt: null,
    quarantined: 0,
    ...overrides,
  };
  return { ...device, state: overrides.state ?? closeStateOf(device, since) };
}

/** The report of a close of the builders' branch begun at `since` by its branch manager, Chen Wei. */
export function aDayCloseStatus(since: number, devices: DayCloseDevice[]): DayCloseStatus {
  return {
    branchId: BRANCH_ID,
    day: new Date(since).toISOString().slice(0, 10),
    startedAt: since,
    startedBy: { staffId: STAFF_ID['branch-manager'], name: 'Chen Wei', attestation: 'server' },
    since,
    devices,
    confirmation: null,
  };
}
