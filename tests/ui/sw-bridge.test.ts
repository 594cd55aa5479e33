import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { whenIdle } from '../../src/ui/sw-bridge.ts';

// A new app version takes over only once nobody has touched the screen for a while, so a
// reload never lands in the middle of a customer's rating.
describe('whenIdle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given no touch, when the idle time passes, then it resolves', async () => {
    let idle = false;
    void whenIdle(60_000, window).then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(idle).toBe(true);
  });

  it.each(['pointerdown', 'keydown', 'input'])('given a %s before the time is up, then the wait starts over', async (name) => {
    let idle = false;
    void whenIdle(60_000, window).then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(50_000);
    window.dispatchEvent(new Event(name));
    await vi.advanceTimersByTimeAsync(50_000);
    expect(idle).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(idle).toBe(true);
  });
});
