import Dexie, { type EntityTable, type Table } from 'dexie';
import type { DeviceConfig, DeviceMode } from '../domain/config.ts';
import type { PinAttempt } from '../domain/pin.ts';
import type { Rating } from '../domain/rating.ts';
import type { LocalCaseEvent } from './cases.ts';
import { StoragePressure } from './storage-pressure.ts';
import type { Shift, ShiftEvent } from '../domain/shift.ts';
import type { RecordKind, SyncRecord } from '../domain/wire.ts';

/** A record waiting to be pushed. `seq` is auto-incremented, so it never ties: the engine reads on from the last key it saw (outbox.ts). */
export interface OutboxRow {
  seq: number;
  recordId: string;
  kind: RecordKind;
  /** The record exactly as it goes on the wire, so a push needs no join. */
  record: SyncRecord;
  /** Its JSON length, counted once at write time, for the 256 KB batch limit. */
  bytes: number;
  createdAt: number;
}

/** A record the server refused, kept for staff to see: nothing is dropped silently. */
export interface QuarantineRow {
  recordId: string;
  kind: RecordKind;
  record: SyncRecord;
  reason: string;
  message: string;
  quarantinedAt: number;
}

/** Who this device is; the token is its only credential. */
export interface DeviceIdentity {
  deviceId: string;
  token: string;
  mode: DeviceMode;
  /**
   * The prefix of this device's reference codes (opinion.ts), from enrollment. Absent on
   * devices enrolled before reference codes existed; only a lobby tablet makes codes, and it has one.
   */
  referencePrefix?: number;
  enrolledAt: number;
}

/** The 401s that stop the engine until the device is enrolled again. */
export const SYNC_STOPS = ['unauthorized', 'device-revoked', 'device-expired', 'token-superseded'] as const;
export type SyncStop = (typeof SYNC_STOPS)[number];

/** What the last sync said, kept so that a reload shows it too. */
export interface SyncState {
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: { reason: string; message: string; at: number } | null;
  /** Set on 401: the engine stops until the device is enrolled again. */
  stopped: SyncStop | null;
  clockOffsetMs: number | null;
}

export interface StoragePersistence {
  /** null where the browser has no Storage API (an insecure origin, an old WebView). */
  granted: boolean | null;
  askedAt: number;
}

/** The single-row values the device keeps, by key. */
export interface MetaValues {
  device: DeviceIdentity;
  config: DeviceConfig;
  syncState: SyncState;
  persistence: StoragePersistence;
  /** Who is at the window: survives a restart in the middle of a shift. */
  shift: Shift;
  /** Recent sign-in attempts, so that a reload does not lift a PIN lockout. */
  pinAttempts: PinAttempt[];
  /** The last opinion-box sequence number used in a reference code; never goes back. */
  opinionSequence: number;
  /** The last case-event `seq` pulled from the server: the next pull starts after it. */
  caseCursor: number;
  /** The last blanking `seq` pulled from the server (sync/blankings-pull.ts): the next pull starts after it. */
  blankingsCursor: number;
  /** Written and deleted in one transaction to learn whether a record would fit (probeStorage). */
  storageProbe: string;
}
export type MetaKey = keyof MetaValues;
export type MetaRow = { [K in MetaKey]: { key: K; value: MetaValues[K] } }[MetaKey];

export const DEFAULT_DB_NAME = 'branchvoice';

/**
 * The device database. The schema is declared once, here, and every change is a new
 * `version(n)` block below the last one (docs/architecture.md, "Adding a record kind").
 */
export class BranchVoiceDB extends Dexie {
  ratings!: EntityTable<Rating, 'id'>;
  shiftEvents!: EntityTable<ShiftEvent, 'id'>;
  caseEvents!: EntityTable<LocalCaseEvent, 'id'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  quarantine!: EntityTable<QuarantineRow, 'recordId'>;
  meta!: Table<MetaRow, MetaKey>;
  /** Whether the last write was refused for lack of space: the status corner warns staff. */
  readonly storagePressure = new StoragePressure();

  constructor(name: string = DEFAULT_DB_NAME) {
    // 'strict' durability: Chromium otherwise reports a write transaction complete before it
    // reaches the disk ('relaxed' is its default), and a tap shown as saved must survive the
    // tab being killed a moment later. It costs a flush per tap; bench/ measures it.
    // No query cache: the outbox's hot deletion goes around Dexie (settleAcknowledgedRun) and
    // tells it what changed, which wakes live queries but would leave a cached result stale.
    super(name, { chromeTransactionDurability: 'strict', cache: 'disabled' });
    this.version(1).stores({
      ratings: 'id, createdAt',
      outbox: '++seq',
      quarantine: 'recordId, quarantinedAt',
      meta: 'key',
    });
    // Version 2: tellers sign in; their shift events are records like ratings.
    this.version(2).stores({ shiftEvents: 'id, createdAt' });
    // Version 3: complaint case events, this tablet's and the branch's pulled from the server.
    this.version(3).stores({ caseEvents: 'id, caseId, seq' });
  }
}

/** Opens (lazily) the device database; one per app, fresh in every test. */
export const createDatabase = (name?: string): BranchVoiceDB => new BranchVoiceDB(name);
