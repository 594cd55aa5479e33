import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchIdle } from '../../../src/ui/components/idle.ts';

// The one idle watch behind the lobby's "are you still there?", the counter's next customer
// and attract state, and an update's wait for a quiet screen.
describe('watchIdle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('given a screen gone idle, when it is touched, then it goes idle again after the same wait', () => {
    const idle = vi.fn();
    const activity = vi.fn();
    const stop = watchIdle(1000, idle, { target: window, onActivity: activity });
    vi.advanceTimersByTime(1000);
    expect(idle).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('pointerdown'));
    expect(activity).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(999);
    expect(idle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledTimes(2);
    stop();
  });

  it('given only the events it is told, then others do not start the wait over', () => {
    const idle = vi.fn();
    const stop = watchIdle(1000, idle, { target: window, events: ['pointerdown'] });
    vi.advanceTimersByTime(600);
    window.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(400);
    expect(idle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('given it stopped, then neither the time nor a touch calls anything', () => {
    const idle = vi.fn();
    const activity = vi.fn();
    watchIdle(1000, idle, { target: window, onActivity: activity })();
    window.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(5000);
    expect(idle).not.toHaveBeenCalled();
    expect(activity).not.toHaveBeenCalled();
  });
});
