import { DEFAULT_RETENTION, tabletRetentionOf } from '../../src/domain/privacy.ts';
import type { DeviceConfig } from '../../src/domain/config.ts';
import { DEFAULT_DEADLINES } from '../../src/domain/case.ts';
import { hashPin } from '../../src/domain/pin.ts';
import { DEFAULT_REASONS } from '../../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../../src/domain/topic.ts';
import { DEFAULT_VOICES } from '../../src/domain/voice.ts';
import type { Teller } from '../../src/domain/teller.ts';
import type { EnrolledDevice } from '../../src/store/device.ts';
import { STAFF_ID } from './case-event.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from './rating.ts';

/** The PIN of every teller and lobby clerk the builders make … */
export const TELLER_PIN = '2468';
/** … and of their managers, whose PINs are longer. */
export const MANAGER_PIN = '246802';
export const SECOND_TELLER_ID = '0190a0b0-0000-7000-8000-000000000005';
export const SECOND_COUNTER_ID = '0190a0b0-0000-7000-8000-000000000006';
/** The reference-code prefix of the builders' lobby tablet: codes start with "2E-". */
export const LOBBY_PREFIX = 10;

// Hashed once per test file, with few iterations: the tests are about the rules, not the cost.
const PIN_HASH = await hashPin(TELLER_PIN, new Uint8Array(16).fill(7), 10_000);
const MANAGER_PIN_HASH = await hashPin(MANAGER_PIN, new Uint8Array(16).fill(8), 10_000);

/** A teller of the builders' branch, PIN TELLER_PIN. */
export function aTeller(overrides: Partial<Teller> = {}): Teller {
  return { id: TELLER_ID, staffNumber: '1001', name: 'Li Mei', photo: null, stars: 4, pin: PIN_HASH, role: 'teller', ...overrides };
}

/** An enrolled lobby tablet (the opinion box) of the builders' branch. */
export function anEnrolledLobby(overrides: { config?: Partial<DeviceConfig> } = {}): EnrolledDevice {
  const counterDevice = anEnrolledDevice(overrides);
  return {
    identity: { ...counterDevice.identity, deviceId: '0190a0b0-0000-7000-8000-0000000000d2', mode: 'lobby', referencePrefix: LOBBY_PREFIX },
    config: { ...counterDevice.config, counter: null, ...overrides.config },
  };
}

/** An enrolled counter tablet with two tellers and the default reasons; pass only what a test is about. */
export function anEnrolledDevice(overrides: { config?: Partial<DeviceConfig>; branch?: Partial<DeviceConfig['branch']> } = {}): EnrolledDevice {
  return {
    identity: { deviceId: '0190a0b0-0000-7000-8000-0000000000d1', token: 'test-token-'.padEnd(43, 'x'), mode: 'counter', referencePrefix: 0, enrolledAt: Date.UTC(2026, 10, 23, 8) },
    config: {
      version: 1,
      branch: { id: BRANCH_ID, name: 'Central Branch', defaultLanguage: 'en', ...overrides.branch },
      counter: { id: COUNTER_ID, name: 'Counter 3' },
      counters: [{ id: COUNTER_ID, name: 'Counter 3' }, { id: SECOND_COUNTER_ID, name: 'Counter 4' }],
      ratingCooldownMs: 200,
      speech: false,
      voices: { ...DEFAULT_VOICES },
      tellers: [aTeller(), aTeller({ id: SECOND_TELLER_ID, staffNumber: '1002', name: 'Carlos Ruiz', stars: 5 })],
      reasons: [...DEFAULT_REASONS],
      topics: [...DEFAULT_TOPICS],
      caseDeadlines: { ...DEFAULT_DEADLINES },
      tabletRetention: tabletRetentionOf(DEFAULT_RETENTION),
      surveys: [],
      visitKey: null,
      ...overrides.config,
    },
  };
}

/** The branch's complaint handlers, one per role: staff numbers 2001 (lobby, TELLER_PIN), 2002 (complaint manager) and 2003 (branch manager), MANAGER_PIN. */
export function aCaseRoster(): Teller[] {
  return [
    aTeller({ id: STAFF_ID['lobby-staff'], staffNumber: '2001', name: 'Zhou Lan', role: 'lobby-staff' }),
    aTeller({ id: STAFF_ID['complaint-manager'], staffNumber: '2002', name: 'Ana Ortega', role: 'complaint-manager', pin: MANAGER_PIN_HASH }),
    aTeller({ id: STAFF_ID['branch-manager'], staffNumber: '2003', name: 'Chen Wei', role: 'branch-manager', pin: MANAGER_PIN_HASH }),
  ];
}
