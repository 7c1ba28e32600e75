import { describe, expect, it } from 'vitest';
import type { TimerId } from '../time.ts';
import { ManualClock } from './manual-clock.ts';

describe('ManualClock', () => {
  it('fires timers set by callbacks during an advance when they fall due within it, each at its own time', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(10, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(5, () => {
        fired.push(`b@${clock.now()}`);
        clock.setTimer(0, () => fired.push(`c@${clock.now()}`));
        clock.setTimer(100, () => fired.push(`late@${clock.now()}`));
      });
    });
    clock.advance(20);
    expect(fired).toEqual(['a@10', 'b@15', 'c@15']);
    expect(clock.now()).toBe(20);
    // The one set for 115 is still waiting, and fires when its time comes.
    expect(clock.pending).toBe(1);
    clock.advance(94);
    expect(fired).toHaveLength(3);
    clock.advance(1);
    expect(fired.at(-1)).toBe('late@115');
    expect(clock.pending).toBe(0);
  });

  it('fires in time order, and timers due together in the order they were set, whenever they were set', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('x30'));
    clock.setTimer(10, () => {
      fired.push('y10');
      // Due at 30 too, set after x30: fires after it.
      clock.setTimer(20, () => fired.push('z30'));
    });
    clock.setTimer(30, () => fired.push('w30'));
    clock.setTimer(5, () => fired.push('v5'));
    clock.advance(30);
    expect(fired).toEqual(['v5', 'y10', 'x30', 'w30', 'z30']);
  });

  it('does not fire a timer cleared by an earlier callback, even one due at the same instant', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    const ids: Record<string, TimerId> = {};
    ids.first = clock.setTimer(10, () => {
      fired.push('first');
      clock.clearTimer(ids.sameTime!);
      clock.clearTimer(ids.later!);
      // Clearing a timer that has fired (this one), or an id never set, is a no-op.
      clock.clearTimer(ids.first!);
      clock.clearTimer(9_999 as TimerId);
    });
    ids.sameTime = clock.setTimer(10, () => fired.push('sameTime'));
    ids.later = clock.setTimer(15, () => fired.push('later'));
    clock.setTimer(20, () => fired.push('last'));
    clock.advance(100);
    expect(fired).toEqual(['first', 'last']);
    expect(clock.pending).toBe(0);
    // Clearing after the fact is a no-op too.
    clock.clearTimer(ids.first);
    expect(clock.pending).toBe(0);
  });

  it('reads each timer’s own time inside its callback, and the target afterwards', () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.advance(7);
    expect(clock.now()).toBe(7);
    clock.setTimer(3, () => seen.push(clock.now()));
    clock.setTimer(8, () => seen.push(clock.now()));
    // A negative delay fires now, never in the past.
    clock.setTimer(-5, () => seen.push(clock.now()));
    clock.advance(0);
    expect(seen).toEqual([7]);
    clock.advance(50);
    expect(seen).toEqual([7, 10, 15]);
    expect(clock.now()).toBe(57);
  });

  it('fires a timer due exactly at the target, and none beyond it', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimer(10, () => fired.push(10));
    clock.setTimer(11, () => fired.push(11));
    clock.advance(10);
    expect(fired).toEqual([10]);
  });

  it('refuses to go back in time or to advance from inside a callback', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    clock.setTimer(1, () => clock.advance(1));
    expect(() => clock.advance(1)).toThrow(/from a timer callback/);
  });
});
