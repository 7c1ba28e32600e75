import { describe, expect, it } from 'vitest';
import { mergeRepeats, type BatteryRow } from './run-battery.ts';

const row = (real: number, overrides: Partial<BatteryRow> = {}): BatteryRow => ({
  shape: 'one-host-5',
  why: 'test',
  world: 'chromium',
  profile: 'chromium',
  network: 'fidelity-50ms',
  connectionsPerHost: { real: { a: 5 }, sim: { a: 5 } },
  connectionsMatch: true,
  requestsPerConnection: { real: 1.2, sim: 1.2 },
  rpcError: 0,
  loadMs: { real, sim: 300 },
  loadError: (real - 300) / 300,
  maxOpenTotal: { real: 5, sim: 5 },
  closes: { real: {}, sim: {} },
  errors: [],
  ...overrides,
});

describe('a shape loaded several times', () => {
  it('scores the median real load against the simulation and keeps every load', () => {
    const merged = mergeRepeats([row(390), row(320), row(330)]);
    expect(merged.loadMs).toEqual({ real: 330, sim: 300 });
    expect(merged.loadError).toBeCloseTo(0.1, 9);
    expect(merged.realLoadsMs).toEqual([390, 320, 330]);
  });

  it('fails the connection criterion when any load missed it, and shows that load and the worst rpc error', () => {
    const miss = row(310, { connectionsPerHost: { real: { a: 6 }, sim: { a: 5 } }, connectionsMatch: false, rpcError: -0.2, errors: ['boom'] });
    const merged = mergeRepeats([row(300), miss, row(305)]);
    expect(merged.connectionsMatch).toBe(false);
    expect(merged.connectionsPerHost.real).toEqual({ a: 6 });
    expect(merged.rpcError).toBe(-0.2);
    expect(merged.errors).toEqual(['load 2: boom']);
  });
});
