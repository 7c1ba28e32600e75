import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout } from './long-timeout.ts';

const DAY = 86_400_000;

describe('setLongTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is needed: a plain timer past 2^31−1 ms fires at once', () => {
    const fired = vi.fn();
    setTimeout(fired, MAX_TIMER_MS + 1);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('waits the whole of a delay longer than one Node timer holds', () => {
    const fired = vi.fn();
    setLongTimeout(fired, 60 * DAY);
    vi.advanceTimersByTime(59 * DAY);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(DAY);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('fires a short delay on time, and not at all once cancelled', () => {
    const fired = vi.fn();
    const cancelled = vi.fn();
    setLongTimeout(fired, 50);
    setLongTimeout(cancelled, 40 * DAY).cancel();
    vi.advanceTimersByTime(49);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(41 * DAY);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
