/**
 * A server's worker limit on the wire: the fixture site enforces the same capacity model as the simulation
 * (emulator/http/server-capacity.ts) — a connection with no worker waits in the backlog unread, a SYN that finds the
 * backlog full is dropped and the live client's stack resends it — and both worlds agree on what happened. The cases
 * are the simulation's hand-worked ones (emulator/http/server-capacity.test.ts), played over real sockets.
 */
import { describe, expect, it } from 'vitest';
import type { TrackerSnapshot } from '../../fixtures-site/index.ts';
import { LiveWorld } from '../../emulator/live/live-world.ts';
import { withClientTiming } from '../../emulator/profiles/browser-profile.ts';
import { browserProfile } from '../../emulator/profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../../emulator/profiles/client-timing.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import type { Scenario } from '../../emulator/scenario/types.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';
import { slowFirstImage, testNetwork, testScenario } from '../../emulator/testing/index.ts';

const ie6 = withClientTiming(browserProfile('ie-6'), NO_CLIENT_TIME);
const network = testNetwork({ rttMs: 100 });

/** The scenario in both worlds: the sim's result, the live one and the fixture site's tracker at the end. */
async function bothWorlds(scenario: Scenario, timeScale: number): Promise<{ sim: RunResult; live: RunResult; tracker: TrackerSnapshot }> {
  let tracker: TrackerSnapshot | undefined;
  const live = await new LiveWorld({ timeScale, inspect: (s) => (tracker = s) }).run({ scenario, browser: ie6, network });
  return { sim: simulate(scenario, ie6, network), live, tracker: tracker! };
}

/** Live load time over the sim's: the shaper and the server's timers keep it near 1 however busy the machine is. */
const loadRatio = (r: { sim: RunResult; live: RunResult }) => r.live.metrics.pageLoadMs[0]! / r.sim.metrics.pageLoadMs[0]!;

describe('a worker limit on the fixture site, against the simulation', () => {
  it("queues IE 6's second connection unread until the first is closed idle", async () => {
    const scenario = testScenario({
      site: { htmlBytes: 800, images: 2, imageBytes: 800 },
      serverKnobs: { idleTimeoutMs: 1_000, workers: 1, listenBacklog: 10 },
    });
    const both = await bothWorlds(scenario, 0.2);
    expect(both.live.errors).toEqual([]);
    // Hand-worked in the sim (1 300 ms): the second connection waits 1 s in the backlog for the first's idle close.
    expect(both.sim.metrics.pageLoadMs).toEqual([1_300]);
    for (const r of [both.sim, both.live]) {
      expect(r.metrics.connectionsOpened).toBe(2);
      expect(r.metrics.server).toMatchObject({ workers: 1, maxWorkersInUse: 1, maxBacklog: 1, queuedConnections: 1, droppedSyns: 0 });
    }
    expect(both.tracker.stats.accepted).toBe(2);
    // The wait is the server's 1 s idle timeout, not a guess: live loads within a fifth of the sim's time.
    expect(loadRatio(both)).toBeGreaterThan(0.8);
    expect(loadRatio(both)).toBeLessThan(1.25);
    expect(both.live.metrics.server!.backlogWaitMs).toBeGreaterThan(800);
  });

  it('drops the SYN when the backlog is full too; the live client resends it after its stack timeout', async () => {
    const both = await bothWorlds(slowFirstImage(4_000, { idleTimeoutMs: 1_500, workers: 1, listenBacklog: 0 }), 0.2);
    expect(both.live.errors).toEqual([]);
    // The SYN at 200 and its resend at 3 200 both meet the worker held to 4 250; the next would go at 9 200, after
    // the load event (4 400), which the second image reaches on the first connection.
    for (const r of [both.sim, both.live]) {
      expect(r.metrics.server).toMatchObject({ droppedSyns: 2, queuedConnections: 0 });
      expect(r.metrics.failedResources).toBe(0);
    }
    // A dropped SYN is no connection: the server accepted one, as the sim counts.
    expect(both.tracker.stats.accepted).toBe(1);
    expect(loadRatio(both)).toBeGreaterThan(0.8);
    expect(loadRatio(both)).toBeLessThan(1.25);
  });

  it('fails the connect after the last retry, with the same reason in both worlds', async () => {
    const both = await bothWorlds(slowFirstImage(30_000, { idleTimeoutMs: null, workers: 1, listenBacklog: 0 }), 0.1);
    for (const r of [both.sim, both.live]) {
      const b = r.pages[0]!.resources.find((x) => x.path === '/b.gif')!;
      expect(b.failed).toMatch(/no answer to 3 SYNs: the server's listen backlog stayed full/);
      expect(r.metrics.server).toMatchObject({ droppedSyns: 3 });
    }
    // Given up 12 s after the last SYN (sent at 9 200): at 21 200 in the sim.
    const gaveUp = (r: RunResult) => r.pages[0]!.resources.find((x) => x.path === '/b.gif')!.doneAt!;
    expect(gaveUp(both.sim)).toBe(21_200);
    expect(gaveUp(both.live) / gaveUp(both.sim)).toBeGreaterThan(0.9);
    expect(gaveUp(both.live) / gaveUp(both.sim)).toBeLessThan(1.1);
  });
});
