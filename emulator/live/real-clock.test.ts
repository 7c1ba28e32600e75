import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { noEarlierThanTimer } from '../testing/index.ts';
import { RealClock } from './real-clock.ts';

const clocks: RealClock[] = [];
const make = (timeScale: number) => {
  const clock = new RealClock({ timeScale });
  clocks.push(clock);
  return clock;
};
afterEach(() => {
  for (const c of clocks.splice(0)) c.dispose();
});

describe('RealClock', () => {
  it("holds a timer weeks away without overflowing Node's timer (which would spin, firing every millisecond)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const clock = make(1);
      let far = false;
      clock.setTimer(30 * 86_400_000, () => {
        far = true;
      });
      await new Promise<void>((resolve) => clock.setTimer(30, resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(far).toBe(false);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('runs a scaled timer no earlier than its scenario delay, and reads scenario time', async () => {
    // At 0.001, a 300 000 ms scenario timer is due after 300 ms of wall time.
    const clock = make(0.001);
    const wallStart = performance.now();
    const firedAt = await new Promise<number>((resolve) => clock.setTimer(300_000, () => resolve(clock.now())));
    expect(firedAt).toBeGreaterThanOrEqual(300_000);
    // now() is wall time ÷ scale: the wall time that passed is 1/1000 of the scenario time.
    expect(performance.now() - wallStart).toBeGreaterThanOrEqual(noEarlierThanTimer(300));
  });

  it('fires timers due together in the order they were set', async () => {
    const clock = make(1);
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      clock.setTimer(20, () => order.push('a'));
      clock.setTimer(5, () => order.push('early'));
      clock.setTimer(20, () => order.push('b'));
      clock.setTimer(20, () => order.push('c'));
      clock.setTimer(25, () => resolve());
    });
    expect(order).toEqual(['early', 'a', 'b', 'c']);
  });

  it('does not fire a timer cleared by another timer of the same batch', async () => {
    const clock = make(1);
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      clock.setTimer(10, () => {
        order.push('first');
        clock.clearTimer(second);
      });
      const second = clock.setTimer(10, () => order.push('second'));
      clock.setTimer(15, () => resolve());
    });
    expect(order).toEqual(['first']);
  });

  it('forgets every timer on dispose', async () => {
    const clock = make(1);
    let fired = false;
    clock.setTimer(5, () => (fired = true));
    clock.dispose();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
    // Callbacks still unwinding after the run ended may set timers; they never fire.
    clock.setTimer(1, () => (fired = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
  });

  it('passes an exception thrown by a timer to onError and keeps going', async () => {
    const errors: unknown[] = [];
    const clock = new RealClock({ timeScale: 1, onError: (e) => errors.push(e) });
    clocks.push(clock);
    await new Promise<void>((resolve) => {
      clock.setTimer(1, () => {
        throw new Error('boom');
      });
      clock.setTimer(2, () => resolve());
    });
    expect(errors).toHaveLength(1);
  });

  it('rejects a time scale that is not positive', () => {
    expect(() => new RealClock({ timeScale: 0 })).toThrow(RangeError);
  });
});
