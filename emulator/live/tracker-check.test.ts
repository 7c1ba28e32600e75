import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../result/types.ts';
import { networkProfile } from '../profiles/network-profile.ts';
import { scaleNetwork } from '../profiles/network-profile.ts';
import { chooseTimeScale } from './time-scale.ts';
import { checkAgainstTracker, serverIdleSeconds, type TrackedLike } from './tracker-check.ts';

const record = (over: Partial<ConnectionRecord>): ConnectionRecord => ({
  id: 1,
  host: 'a.localhost',
  openedAt: 0,
  connectedAt: 1,
  closedAt: 10,
  closedBy: 'server',
  closeReason: 'server-idle-timeout',
  requests: [],
  idle: [],
  clientPort: 5000,
  ...over,
});
const carried: ConnectionRecord['requests'][number] = {
  requestId: 1,
  url: 'http://a.localhost/',
  sentAt: 1,
  firstByteAt: 2,
  doneAt: 3,
  status: 200,
  bodyBytes: 10,
  reused: false,
  pipelined: false,
  attempt: 0,
};
const tracked = (over: Partial<TrackedLike>): TrackedLike => ({
  host: 'a.localhost',
  clientPort: 5000,
  requests: [{}],
  idle: [],
  closedAt: 10,
  closedBy: 'server',
  closeReason: 'server-idle-timeout',
  control: false,
  ...over,
});

describe('checkAgainstTracker', () => {
  it('matches connections by client port and finds nothing to report when both sides agree', () => {
    const check = checkAgainstTracker(
      [record({}), record({ id: 2, clientPort: 5001, host: 'b.localhost' })],
      [tracked({}), tracked({ clientPort: 5001, host: 'b.localhost' }), tracked({ clientPort: 9, control: true })],
    );
    expect(check).toEqual({ perHost: { 'a.localhost': 1, 'b.localhost': 1 }, problems: [] });
  });

  it('reports a connection the server never saw, one the engine never recorded, and a disputed close', () => {
    const check = checkAgainstTracker(
      [record({ clientPort: 1, requests: [carried] }), record({ id: 2, clientPort: 2, closeReason: 'connection-close' })],
      [tracked({ clientPort: 2, closeReason: 'server-max-requests' }), tracked({ clientPort: 3 })],
    );
    expect(check.problems).toEqual([
      "connection 1 to a.localhost (client port 1) is not in the server's tracker",
      "connection 2: closed for connection-close by the engine's account, server-max-requests by the server's",
      'the server saw a connection from port 3 (1 requests) the engine has no record of',
    ]);
  });

  it('does not compare hosts through a proxy, whose connections carry requests for any host', () => {
    const records = [record({ host: 'proxy' })];
    expect(checkAgainstTracker(records, [tracked({ host: 'img1.a.localhost' })], true).problems).toEqual([]);
    expect(checkAgainstTracker(records, [tracked({ host: 'img1.a.localhost' })]).problems).toHaveLength(1);
  });

  it('holds a connection that carried only heartbeats to the tracker as one that carried requests', () => {
    // No page request, but a HEAD went out on it: the server must have seen it.
    const problems = checkAgainstTracker([record({ clientPort: 1, heartbeats: 1 })], []).problems;
    expect(problems).toEqual(["connection 1 to a.localhost (client port 1) is not in the server's tracker"]);
    expect(checkAgainstTracker([record({ clientPort: 1, heartbeats: 0 })], []).problems).toEqual([]);
  });

  it('ignores connections that never connected', () => {
    expect(checkAgainstTracker([record({ connectedAt: null, clientPort: undefined })], []).problems).toEqual([]);
  });

  it('ignores a connection that carried nothing and closed before the shaper reached the site', () => {
    expect(checkAgainstTracker([record({ clientPort: 9 })], []).problems).toEqual([]);
  });
});

describe('serverIdleSeconds', () => {
  it('sums idle gaps in scenario seconds: wall ms ÷ scale', () => {
    // 30 + 20 wall ms of idle, the open gap running to the close at 100: (30 + 20) / 0.01 / 1000 = 5 s
    const t = tracked({
      idle: [
        { from: 0, to: 30 },
        { from: 80, to: null },
      ],
      closedAt: 100,
    });
    expect(serverIdleSeconds([t], 200, 0.01)).toBeCloseTo(5);
  });
});

describe('time scale', () => {
  it('shrinks delays and widens rates by the same factor', () => {
    const dsl = networkProfile('dsl').knobs;
    // dsl: 50 ms, 1500 / 384 kbit/s → at 0.4: 20 ms, 3750 / 960 kbit/s
    expect(scaleNetwork(dsl, 0.4)).toMatchObject({ rttMs: 20, bandwidthKbps: 3750, upBandwidthKbps: 960, mss: dsl.mss });
  });

  it('keeps a shaped round trip at 25 ms of wall time, and runs loopback fast', () => {
    // 4g: 170 ms → 25 / 170; dsl: 50 ms → 0.5; lan-1997: 1 ms → unscaled
    expect(chooseTimeScale(networkProfile('4g').knobs)).toBeCloseTo(25 / 170);
    expect(chooseTimeScale(networkProfile('dsl').knobs)).toBe(0.5);
    expect(chooseTimeScale(networkProfile('lan-1997').knobs)).toBe(1);
    expect(chooseTimeScale(networkProfile('loopback').knobs)).toBe(0.05);
  });
});
