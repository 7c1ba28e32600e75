/**
 * The link's round-robin: flows take a segment a visit, as the shaper serialises them (fixtures-site/link.ts), so a
 * flow of one segment is not held back until every longer flow is done, and flows of equal length end one segment
 * apart in the order they came. Times hand-worked in the comments: 100 bytes a ms, segments of 1 000 bytes.
 */
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';
import { Link } from './link.ts';

function finishTimes(pieces: { at: number; bytes: number; name: string }[]): Record<string, number> {
  const queue = new EventQueue();
  const link = new Link(queue, 100, 1_000);
  const done: Record<string, number> = {};
  for (const p of pieces) queue.at(p.at, () => link.transmit(p.bytes, () => (done[p.name] = queue.now)));
  queue.run();
  return done;
}

describe('a link shared round-robin a segment at a time', () => {
  it('sends one flow at the full rate', () => {
    // 5 000 bytes at 100 B/ms: 50 ms.
    expect(finishTimes([{ at: 0, bytes: 5_000, name: 'a' }])).toEqual({ a: 50 });
  });

  it('ends three one-segment flows that start together one after another, not all three at the end', () => {
    // a at 10 ms, b at 20, c at 30 (fluid sharing would end all three at 30).
    expect(finishTimes(['a', 'b', 'c'].map((name) => ({ at: 0, bytes: 1_000, name })))).toEqual({ a: 10, b: 20, c: 30 });
  });

  it('lets a short flow through between the segments of a long one', () => {
    // a (10 segments) from 0; b (1 segment) joins at 5 ms, behind a's segment in progress: a's first segment ends at
    // 10, b's at 20, then a alone: its 9 remaining segments by 110.
    expect(
      finishTimes([
        { at: 0, bytes: 10_000, name: 'a' },
        { at: 5, bytes: 1_000, name: 'b' },
      ]),
    ).toEqual({ a: 110, b: 20 });
  });

  it('ends two equal flows one segment apart, the first come first', () => {
    // 3 segments each, alternating a b a b a b: a's last at 50, b's at 60.
    expect(
      finishTimes([
        { at: 0, bytes: 3_000, name: 'a' },
        { at: 0, bytes: 3_000, name: 'b' },
      ]),
    ).toEqual({ a: 50, b: 60 });
  });

  it('sends a last partial segment as a short visit', () => {
    // a 1 500 bytes, b 1 000, together: a's first 1 000 by 10, b's 1 000 by 20, a's last 500 by 25.
    expect(
      finishTimes([
        { at: 0, bytes: 1_500, name: 'a' },
        { at: 0, bytes: 1_000, name: 'b' },
      ]),
    ).toEqual({ a: 25, b: 20 });
  });
});
