/**
 * The agenda's order: by time, then by when each event was scheduled, whatever was cancelled meanwhile and however a
 * series of arrivals is held (one at a time, in the order scheduling them all at once would give).
 */
import { describe, expect, it } from 'vitest';
import { EventQueue, Timer } from './event-queue.ts';

describe('the event queue', () => {
  it('runs events by time, and those at the same time in the order they were scheduled', () => {
    const queue = new EventQueue();
    const fired: string[] = [];
    for (const [at, name] of [
      [5, 'a'],
      [1, 'b'],
      [5, 'c'],
      [0, 'd'],
      [1, 'e'],
    ] as const)
      queue.at(at, () => fired.push(name));
    queue.run();
    expect(fired).toEqual(['d', 'b', 'e', 'a', 'c']);
  });

  it('takes a cancelled event off the agenda, so only live events are pending, and keeps the others in order', () => {
    const queue = new EventQueue();
    const fired: number[] = [];
    const handles = Array.from({ length: 100 }, (_, i) => queue.at((i * 37) % 11, () => fired.push(i)));
    for (let i = 0; i < 100; i += 3) queue.cancel(handles[i]!);
    queue.cancel(handles[0]!); // twice: nothing more
    expect(queue.pending).toBe(66);
    queue.run();
    const expected = handles.map((_, i) => i).filter((i) => i % 3 !== 0);
    expected.sort((a, b) => ((a * 37) % 11) - ((b * 37) % 11) || a - b);
    expect(fired).toEqual(expected);
  });

  it('fires a series where scheduling each at once would, holding one entry at a time', () => {
    const run = (series: boolean) => {
      const queue = new EventQueue();
      const fired: string[] = [];
      const times = [0, 10, 10, 5, 20];
      queue.at(10, () => fired.push('before'));
      if (series) queue.series(times, (i) => fired.push(`user ${i}`));
      else for (const [i, at] of times.entries()) queue.at(at, () => fired.push(`user ${i}`));
      queue.at(10, () => fired.push('after'));
      queue.at(5, () => queue.at(10, () => fired.push('scheduled at 5')));
      const pending = queue.pending;
      queue.run();
      return { fired, pending };
    };
    expect(run(true).fired).toEqual(run(false).fired);
    expect(run(true).fired).toEqual(['user 0', 'user 3', 'before', 'user 1', 'user 2', 'after', 'scheduled at 5', 'user 4']);
    expect(run(true).pending).toBe(4);
  });

  it('runs an event put in a reserved place where scheduling it at the reservation would have, while the place is ahead', () => {
    const queue = new EventQueue();
    const fired: string[] = [];
    queue.at(10, () => fired.push('first at 10'));
    const place = queue.reserve();
    queue.at(10, () => fired.push('last at 10'));
    queue.at(5, () => {
      expect(queue.isAhead(10, place)).toBe(true);
      queue.atReserved(10, place, () => fired.push('reserved'));
    });
    queue.at(10, () => expect(queue.isAhead(10, place)).toBe(false));
    queue.run();
    expect(fired).toEqual(['first at 10', 'reserved', 'last at 10']);
  });

  it('tells a reserved place that has passed, even at the same instant', () => {
    const queue = new EventQueue();
    const place = queue.reserve();
    const seen: boolean[] = [];
    queue.at(10, () => seen.push(queue.isAhead(10, place)));
    queue.at(20, () => seen.push(queue.isAhead(10, place)));
    queue.run();
    expect(seen).toEqual([false, false]);
  });

  it('fires a re-armed timer where cancelling and scheduling again would, with one entry, and never once disarmed', () => {
    const run = (useTimer: boolean) => {
      const queue = new EventQueue();
      const fired: string[] = [];
      let handle: ReturnType<EventQueue['at']> | null = null;
      const timer = new Timer(queue, () => fired.push(`timer at ${queue.now}`));
      const arm = (delay: number) => {
        if (useTimer) return timer.arm(delay);
        if (handle) queue.cancel(handle);
        handle = queue.after(delay, () => fired.push(`timer at ${queue.now}`));
      };
      const disarm = () => {
        if (useTimer) return timer.disarm();
        if (handle) queue.cancel(handle);
        handle = null;
      };
      // Re-armed later and later (its entry stays), then earlier (its entry moves), ties with other events at 30 and 42.
      queue.at(0, () => arm(10));
      queue.at(5, () => arm(25));
      queue.at(12, () => arm(30));
      queue.at(42, () => fired.push('other at 42'));
      queue.at(20, () => arm(10));
      queue.at(30, () => fired.push('other at 30'));
      queue.at(31, () => arm(100));
      queue.at(32, () => disarm());
      queue.at(33, () => arm(9));
      queue.at(34, () => disarm());
      // Left disarmed far ahead: its entry is dropped when it comes up, and the clock does not move to it.
      queue.at(35, () => arm(200));
      queue.at(36, () => disarm());
      queue.run();
      return { fired, end: queue.now };
    };
    expect(run(true)).toEqual(run(false));
    expect(run(true).fired).toEqual(['other at 30', 'timer at 30', 'other at 42']);
  });
});
