import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALERT_LEVELS, type AlertStreamMessage, type AlertView } from '../../../src/domain/alerts.ts';
import { LANGUAGES } from '../../../src/domain/language.ts';
import { REASON_SCORES } from '../../../src/domain/reason.ts';
import { staffAlertResources } from '../../../src/ui/components/staff-alerts-locales.ts';
import { dashboardResources } from '../../../src/ui/dashboard/locales.ts';
import { applyMessage, notifies, sortAlerts, sounds } from '../../../src/ui/dashboard/alert-view.ts';
import { openAlertStream, type EventSourceLike, type StreamState } from '../../../src/ui/dashboard/alerts-stream.ts';

/**
 * The stream wrapper's own rules, with an event source the test drives (the real stream
 * against the real server is in alerts.test.tsx and the e2e loop): reconnection with the
 * backoff, from the last seq seen; each message told once; the state said at every turn.
 */

class DrivenSource implements EventSourceLike {
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners: ((event: MessageEvent<string>) => void)[] = [];
  constructor(readonly path: string) {}
  addEventListener(_type: 'alert', listener: (event: MessageEvent<string>) => void) {
    this.listeners.push(listener);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.(new Event('open'));
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
  tell(message: AlertStreamMessage) {
    for (const listener of this.listeners) listener(new MessageEvent('alert', { data: JSON.stringify(message) }));
  }
}

const anAlert = (overrides: Partial<AlertView> = {}): AlertView => ({
  id: 'a1',
  seq: 1,
  kind: 'dissatisfied',
  branchId: 'b1',
  branchName: 'Harbour Road',
  counterId: 'c1',
  counterName: 'Window 1',
  tellerId: 't1',
  tellerName: 'Wang Fang',
  detail: { kind: 'dissatisfied', score: 'dissatisfied', reasonIds: [] },
  occurredAt: 1000,
  raisedAt: 1000,
  late: false,
  level: 'branch',
  escalateAt: 601_000,
  acknowledged: null,
  caseId: null,
  ...overrides,
});
const message = (seq: number, type: AlertStreamMessage['type'] = 'raised', alert: Partial<AlertView> = {}): AlertStreamMessage => ({ seq, type, alert: anAlert({ seq, ...alert }) });

afterEach(() => {
  vi.useRealTimers();
});

describe('the alerts stream wrapper', () => {
  it('given a stream that drops, then it says reconnecting, waits the backoff, and opens again after the last seq it told, each message once', () => {
    vi.useFakeTimers();
    const sources: DrivenSource[] = [];
    const states: StreamState[] = [];
    const told: number[] = [];
    const delays: number[] = [];
    const stream = openAlertStream({
      open: (path) => {
        const source = new DrivenSource(path);
        sources.push(source);
        return source;
      },
      after: 7,
      onMessage: (m) => told.push(m.seq),
      onState: (state) => states.push(state),
      delay: (attempt) => {
        delays.push(attempt);
        return attempt * 1000;
      },
    });
    expect(sources.map((s) => s.path)).toEqual(['/api/alerts/stream?after=7']);
    sources[0]!.open();
    sources[0]!.tell(message(8));
    sources[0]!.tell(message(8));
    sources[0]!.tell(message(6));
    sources[0]!.tell(message(9, 'escalated'));
    sources[0]!.fail();
    expect(sources[0]!.closed).toBe(true);
    expect(states).toEqual(['connecting', 'live', 'reconnecting']);

    vi.advanceTimersByTime(999);
    expect(sources).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sources[1]!.path).toBe('/api/alerts/stream?after=9');
    sources[1]!.fail();
    vi.advanceTimersByTime(2000);
    expect(sources[2]!.path).toBe('/api/alerts/stream?after=9');
    expect(delays).toEqual([1, 2]);
    sources[2]!.open();
    sources[2]!.tell(message(9));
    sources[2]!.tell(message(10, 'acknowledged'));
    expect(told).toEqual([8, 9, 10]);
    expect(stream.lastSeq()).toBe(10);

    // After a successful open the backoff starts over.
    sources[2]!.fail();
    vi.advanceTimersByTime(1000);
    expect(sources).toHaveLength(4);
    expect(delays).toEqual([1, 2, 1]);

    stream.close();
    expect(sources[3]!.closed).toBe(true);
    sources[3]!.fail();
    vi.advanceTimersByTime(60_000);
    expect(sources).toHaveLength(4);
  });

  it('given a browser without EventSource, then it says so and opens nothing', () => {
    const states: StreamState[] = [];
    openAlertStream({ open: null, after: 0, onMessage: () => undefined, onState: (s) => states.push(s) });
    expect(states).toEqual(['unavailable']);
  });

  it('given an event out of shape, then it is dropped and the next is told', () => {
    const source = new DrivenSource('');
    const told: number[] = [];
    openAlertStream({ open: () => source, after: 0, onMessage: (m) => told.push(m.seq), onState: () => undefined });
    for (const listener of (source as unknown as { listeners: ((event: MessageEvent<string>) => void)[] }).listeners) listener(new MessageEvent('alert', { data: 'not json' }));
    source.tell(message(1));
    expect(told).toEqual([1]);
  });
});

describe("the Alerts page's rules", () => {
  it('given open and acknowledged alerts, then open ones come first, newest first, then the latest acknowledged', () => {
    const ack = (at: number) => ({ at, by: 'HQ1', name: 'Ana', via: 'dashboard-session' as const, comment: 'done' });
    const list = sortAlerts([
      anAlert({ id: 'old-open', raisedAt: 1 }),
      anAlert({ id: 'done-early', raisedAt: 5, acknowledged: ack(10) }),
      anAlert({ id: 'new-open', raisedAt: 3 }),
      anAlert({ id: 'done-late', raisedAt: 2, acknowledged: ack(20) }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['new-open', 'old-open', 'done-late', 'done-early']);
  });

  it('given a message about an alert on the list, then it replaces it; a new one goes to the top', () => {
    const list = [anAlert({ id: 'a1', raisedAt: 1 })];
    const acknowledged = applyMessage(list, message(2, 'acknowledged', { id: 'a1', raisedAt: 1, acknowledged: { at: 5, by: 'x', name: 'X', via: 'staff-session', comment: 'ok' } }));
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]!.acknowledged?.comment).toBe('ok');
    const added = applyMessage(list, message(3, 'raised', { id: 'a2', raisedAt: 9 }));
    expect(added.map((a) => a.id)).toEqual(['a2', 'a1']);
  });

  it('given each kind of message, then a new alert is told and sounded, a late one told but silent, an escalation only to the level it reached', () => {
    expect([notifies(message(1), 'branch-manager'), sounds(message(1), 'branch-manager')]).toEqual([true, true]);
    expect([notifies(message(1, 'raised', { late: true }), 'head-office'), sounds(message(1, 'raised', { late: true }), 'head-office')]).toEqual([true, false]);
    const toRegion = message(2, 'escalated', { level: 'region' });
    expect([notifies(toRegion, 'regional-manager'), sounds(toRegion, 'regional-manager')]).toEqual([true, true]);
    expect([notifies(toRegion, 'branch-manager'), sounds(toRegion, 'branch-manager')]).toEqual([false, false]);
    expect([notifies(toRegion, 'head-office'), sounds(toRegion, 'head-office')]).toEqual([false, false]);
    expect(sounds(message(3, 'acknowledged'), 'branch-manager')).toBe(false);
    expect(sounds(message(3, 'case-opened'), 'branch-manager')).toBe(false);
  });
});

describe("the alerts' texts built from the domain's lists", () => {
  const at = (tree: unknown, key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
  const STREAM_STATES: readonly StreamState[] = ['connecting', 'live', 'reconnecting', 'unavailable'];
  it.each(LANGUAGES)('given %s, then every level, score and stream state has a text on the dashboard and the lobby tablet', (language) => {
    const keys = [
      ...ALERT_LEVELS.map((level) => `dashboard.alerts.levels.${level}`),
      ...REASON_SCORES.map((score) => `dashboard.alerts.score.${score}`),
      ...STREAM_STATES.map((state) => `dashboard.alerts.stream.${state}`),
    ];
    expect(keys.filter((key) => typeof at(dashboardResources[language], key) !== 'string')).toEqual([]);
    const staffKeys = [...ALERT_LEVELS.map((level) => `staffAlerts.levels.${level}`), ...REASON_SCORES.map((score) => `staffAlerts.score.${score}`)];
    expect(staffKeys.filter((key) => typeof at(staffAlertResources[language], key) !== 'string')).toEqual([]);
  });
});
