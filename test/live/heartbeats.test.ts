/**
 * Heartbeats over real sockets (issue 11): the engine's HEAD requests as the fixture site's tracker saw them, through
 * the shaper, at a time scale of 0.1 (a 100 ms round trip is 10 ms of wall time). Counted on the server's account,
 * never by wall-clock thresholds; the expectations are worked out from the profile and held against the simulation.
 */
import { describe, expect, it } from 'vitest';
import type { TrackerSnapshot } from '../../fixtures-site/index.ts';
import { LiveWorld } from '../../emulator/live/live-world.ts';
import type { RunResult } from '../../emulator/result/types.ts';
import { loadScenarioText } from '../../emulator/scenario/load.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

const BROWSER = '{ name: chromium-heartbeat-4s, extends: chromium, heartbeat: { intervalMs: 4000, path: /, giveUpMs: 9000 } }';

async function liveAndSim(yaml: string): Promise<{ result: RunResult; sim: RunResult; tracker: TrackerSnapshot }> {
  const scenario = loadScenarioText(yaml, 'heartbeats.test.yaml');
  const run = { scenario, browser: scenario.browsers[0]!, network: scenario.networks[0]! };
  let tracker: TrackerSnapshot | undefined;
  const result = await new LiveWorld({ timeScale: 0.1, inspect: (s) => (tracker = s) }).run(run);
  return { result, sim: simulate(scenario, run.browser, run.network), tracker: tracker! };
}

describe('heartbeats over real sockets', () => {
  it("keep a connection past the site's 5 s idle timeout: the server answers every HEAD and never closes it", { timeout: 60_000 }, async () => {
    const { result, sim, tracker } = await liveAndSim(`name: heartbeat-keeps
site: { images: 0, htmlBytes: 4096 }
server: apache-2.2
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [${BROWSER}]
steps: [ { load: / }, { idleMs: 18000 }, { load: / } ]`);
    expect(result.errors).toEqual([]);
    // One connection for both loads: Apache's 5 s timer restarts on each HEAD, which comes 4 s + a round trip apart.
    expect(tracker.stats.accepted).toBe(1);
    const [conn] = tracker.connections;
    // Idle from the first load's end; the k-th heartbeat goes about 4 000 + (k − 1) × 4 100 ms later (each waits for
    // the answer to the one before: a 100 ms round trip and Chromium's processing): 4 of them before the second load
    // 18 s on (the 4th at about 16.3 s, a 5th would be at about 20.4 s).
    expect(conn!.requests.map((r) => r.method)).toEqual(['GET', 'HEAD', 'HEAD', 'HEAD', 'HEAD', 'GET']);
    expect(conn!.requests.filter((r) => r.method === 'HEAD').every((r) => r.status === 200 && r.bodyBytes === 0)).toBe(true);
    expect(result.metrics.heartbeats).toBe(4);
    expect(sim.metrics.heartbeats).toBe(4);
    // The client closed it at the run's end; the server never did.
    expect(conn!.closedBy).toBe('client');
    expect(result.metrics.closesByReason['server-idle-timeout']).toBe(0);
    // The page requests alone are the result's: the HEADs are counted apart.
    expect(result.metrics.requests).toBe(2);
  });

  it('give up on a connection whose server stops answering, giveUpMs after the heartbeat it left unanswered', { timeout: 60_000 }, async () => {
    const { result, sim, tracker } = await liveAndSim(`name: heartbeat-stalled
site: { images: 0, htmlBytes: 4096 }
server: nginx
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [${BROWSER}]
steps: [ { load: / }, { idleMs: 20000 }, { load: / } ]
faults: [ { kind: stall, path: /, nthOnConnection: 2 } ]`);
    expect(result.errors).toEqual([]);
    // The connection's 2nd request is the first heartbeat (4 s after the first load): the site never answers it.
    const stalled = tracker.connections.find((c) => c.requests.length === 2)!;
    expect(stalled.requests.map((r) => [r.method, r.fault ?? null])).toEqual([
      ['GET', null],
      ['HEAD', 'stall'],
    ]);
    // The client closed it first, as dead: 9 s after sending the heartbeat, far inside the 20 s pause.
    expect(stalled.closedBy).toBe('client');
    const record = result.connections.find((c) => c.clientPort === stalled.clientPort)!;
    expect(record).toMatchObject({ closedBy: 'client', closeReason: 'client-dead-peer', heartbeats: 1 });
    // The heartbeat left when the idle period ended; the close came giveUpMs later (9 000 scenario ms = 900 ms of
    // wall time, read through a real clock: within 30 ms of wall time, 300 scenario ms).
    expect(record.closedAt! - record.idle[0]!.to).toBeGreaterThanOrEqual(9_000);
    expect(record.closedAt! - record.idle[0]!.to).toBeLessThan(9_300);
    // The second page loads on a new connection, as in the simulation.
    expect(tracker.stats.accepted).toBe(2);
    expect(result.metrics.failedResources).toBe(0);
    expect(sim.metrics.closesByReason['client-dead-peer']).toBe(1);
    expect(result.metrics.closesByReason['client-dead-peer']).toBe(1);
  });

  it('are heard by a server with deadClientMs, which closes a silent client as dead', { timeout: 60_000 }, async () => {
    const scenario = (browser: string) => `name: dead-client
site: { images: 0, htmlBytes: 4096 }
server: { profile: forever, deadClientMs: 6000 }
network: { rttMs: 100, bandwidthKbps: 10000 }
browsers: [${browser}]
steps: [ { load: / }, { idleMs: 12000 }, { load: / } ]`;
    const silent = await liveAndSim(scenario('chromium'));
    expect(silent.result.errors).toEqual([]);
    // Nothing heard for 6 s after the first request: the site closes the connection, and says why.
    expect(silent.tracker.connections[0]).toMatchObject({ closedBy: 'server', closeReason: 'server-dead-client' });
    expect(silent.result.metrics.closesByReason['server-dead-client']).toBe(1);
    expect(silent.sim.metrics.closesByReason['server-dead-client']).toBe(1);
    expect(silent.tracker.stats.accepted).toBe(2);
    // A HEAD every 4 s plus a round trip is heard within the 6 s: one connection for both loads.
    const beating = await liveAndSim(scenario(BROWSER));
    expect(beating.result.errors).toEqual([]);
    expect(beating.tracker.stats.accepted).toBe(1);
    expect(beating.result.metrics.closesByReason['server-dead-client']).toBe(0);
  });
});
