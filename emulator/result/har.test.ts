import { describe, expect, it } from 'vitest';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { simulate } from '../sim/sim-world.ts';
import { harValidator, testNetwork, testScenario } from '../testing/index.ts';
import { runToHars } from './har.ts';
import type { RunResult } from './types.ts';

const EPOCH = new Date('2026-11-28T12:00:00.000Z');
const options = { epoch: EPOCH, toolVersion: '0.1.0' };
const chromium = withClientTiming(browserProfile('chromium'), NO_CLIENT_TIME);

function simulated(): RunResult {
  const scenario = testScenario({
    site: { hosts: 2, images: 30, imageBytes: 3000, htmlBytes: 4000 },
    steps: [
      { kind: 'load', site: 'main', path: '/' },
      { kind: 'idle', ms: 1000 },
      { kind: 'load', site: 'main', path: '/' },
    ],
  });
  return simulate(scenario, chromium, testNetwork({ rttMs: 100, bandwidthKbps: 5000 }));
}

describe('runToHars', () => {
  it('writes one valid HAR 1.2 archive per page load, an entry per resource with its connection', () => {
    const result = simulated();
    const hars = runToHars(result, options);
    const valid = harValidator();
    expect(hars).toHaveLength(2);
    for (const [i, har] of hars.entries()) {
      expect(valid(har), JSON.stringify(valid.errors)).toBe(true);
      const page = result.pages[i]!;
      expect(har.log.pages![0]!.pageTimings.onLoad).toBe(page.loadMs);
      expect(har.log.entries).toHaveLength(page.resources.length);
      expect(har.log.entries.map((e) => e.connection)).toEqual(page.resources.map((r) => String(r.connection)));
      for (const entry of har.log.entries) {
        const t = entry.timings;
        const sum = [t.blocked, t.connect, t.send, t.wait, t.receive].reduce<number>((a, b) => a + Math.max(0, b ?? 0), 0);
        expect(entry.time).toBeCloseTo(sum, 2);
        expect(Date.parse(entry.startedDateTime)).toBeGreaterThanOrEqual(Date.parse(har.log.pages![0]!.startedDateTime));
      }
    }
  });

  it('charges the handshake to the request a connection was opened for, and none to a reused one', () => {
    const [first] = runToHars(simulated(), options);
    const html = first!.log.entries[0]!;
    // 100 ms RTT: the handshake is one round trip.
    expect(html.timings.connect).toBe(100);
    expect(html._reused).toBe(false);
    const reused = first!.log.entries.filter((e) => e._reused);
    expect(reused.length).toBeGreaterThan(0);
    for (const entry of reused) expect(entry.timings.connect).toBe(-1);
  });

  it('is the same for the same simulation (a fixed epoch), and keeps a failed resource with its reason', () => {
    const result = simulated();
    expect(JSON.stringify(runToHars(result, options))).toBe(JSON.stringify(runToHars(simulated(), options)));
    const broken: RunResult = structuredClone(result);
    const lost = broken.pages[0]!.resources[1]!;
    Object.assign(lost, { failed: 'connection closed by the server before a response: reset', status: null, connection: null, doneAt: lost.queuedAt + 50 });
    const [har] = runToHars(broken, options);
    const entry = har!.log.entries[1]!;
    expect(harValidator()(har)).toBe(true);
    expect(entry).toMatchObject({ _error: lost.failed, response: { status: 0, bodySize: -1 }, timings: { blocked: 50, connect: -1 } });
    expect(entry.connection).toBeUndefined();
  });
});
