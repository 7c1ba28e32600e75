import { describe, expect, it } from 'vitest';
import { withResponseProcessing } from './response-processing.ts';
import { KEEP_ALIVE_11, ManualClock } from '../testing/index.ts';
import type { TransportListener } from './transport.ts';

const oneAtATime = (responseMs: number) => ({ responseMs, responseLatencyMs: 0 });

/** A listener that writes down what it heard, and when. */
function recorder(clock: ManualClock) {
  const heard: string[] = [];
  const note = (what: string) => heard.push(`${clock.now()} ${what}`);
  const listener: TransportListener = {
    connected: (c) => note(`connected ${c}`),
    connectFailed: (c) => note(`connectFailed ${c}`),
    responseHead: (c) => note(`head ${c}`),
    responseProgress: (c, p) => note(`progress ${c} ${p.bytes}`),
    responseDone: (c, b) => note(`done ${c} ${b.bytes}`),
    peerClosed: (c) => note(`closed ${c}`),
    abandoned: (c) => note(`abandoned ${c}`),
  };
  return { heard, listener };
}

describe('a browser processing each response', () => {
  it('tells the engine a response is done its processing time after its last byte', () => {
    const clock = new ManualClock();
    const { heard, listener } = recorder(clock);
    const heardBy = withResponseProcessing(listener, clock, oneAtATime(10));
    heardBy.responseHead(1, KEEP_ALIVE_11);
    heardBy.responseDone(1, { bytes: 500 });
    expect(heard).toEqual(['0 head 1']);
    clock.advance(10);
    expect(heard).toEqual(['0 head 1', '10 done 1 500']);
  });

  it("keeps a connection's events in order: a close and a second response wait behind the first", () => {
    const clock = new ManualClock();
    const { heard, listener } = recorder(clock);
    const heardBy = withResponseProcessing(listener, clock, oneAtATime(10));
    heardBy.responseDone(1, { bytes: 1 });
    clock.advance(4);
    heardBy.responseHead(1, KEEP_ALIVE_11);
    heardBy.responseDone(1, { bytes: 2 });
    heardBy.peerClosed(1, 'connection-close', 'closed after its response');
    // Another connection is not held up.
    heardBy.connected(2);
    clock.advance(30);
    // Done at 10; the second head right after it, the second done 10 ms later (20), and then the close.
    expect(heard).toEqual(['4 connected 2', '10 done 1 1', '10 head 1', '20 done 1 2', '20 closed 1']);
  });

  it('processes one response at a time, whichever connection it came on', () => {
    const clock = new ManualClock();
    const { heard, listener } = recorder(clock);
    const heardBy = withResponseProcessing(listener, clock, oneAtATime(10));
    heardBy.responseDone(1, { bytes: 1 });
    heardBy.responseDone(2, { bytes: 2 });
    clock.advance(25);
    heardBy.responseDone(3, { bytes: 3 });
    clock.advance(30);
    // 1 from 0 to 10, 2 waits for it (10 to 20); 3 arrives at 25 with the browser free: 25 to 35.
    expect(heard).toEqual(['10 done 1 1', '20 done 2 2', '35 done 3 3']);
  });

  it("adds each response's own latency after its turn, without holding up the next response's processing", () => {
    const clock = new ManualClock();
    const { heard, listener } = recorder(clock);
    const heardBy = withResponseProcessing(listener, clock, { responseMs: 4, responseLatencyMs: 10 });
    heardBy.responseDone(1, { bytes: 1 });
    heardBy.responseDone(2, { bytes: 2 });
    heardBy.peerClosed(1, 'connection-close', 'closed after its response');
    clock.advance(2);
    heardBy.responseDone(3, { bytes: 3 });
    clock.advance(30);
    // Processed 0–4, 4–8 and 8–12 one at a time; each done 10 ms after its turn: 14, 18, 22. Connection 1's close
    // waits behind its response.
    expect(heard).toEqual(['14 done 1 1', '14 closed 1', '18 done 2 2', '22 done 3 3']);
  });

  it('costs nothing when the time is zero: the engine is the listener', () => {
    const clock = new ManualClock();
    const { listener } = recorder(clock);
    expect(withResponseProcessing(listener, clock, { responseMs: 0, responseLatencyMs: 0 })).toBe(listener);
  });
});
