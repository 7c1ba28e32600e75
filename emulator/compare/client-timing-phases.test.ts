import { describe, expect, it } from 'vitest';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { NO_CLIENT_TIME, type ClientTimingProfile } from '../profiles/client-timing.ts';
import { simulate } from '../sim/sim-world.ts';
import { testNetwork, testScenario } from '../testing/index.ts';
import { clientTimingPhases, medianPhases } from './client-timing-phases.ts';

const timing = (navigationMs: number, discoverMs: number, loadEventMs: number, layoutMs = 0, responseMs = 0, bodyMs = 0): ClientTimingProfile => ({
  ...NO_CLIENT_TIME,
  name: 'test',
  timing: { navigationMs, discoverMs, loadEventMs, bodyMs, layoutMs, responseMs, responseLatencyMs: 0 },
});

describe('client timing read back from a run', () => {
  it('gives back the timing a page was simulated with, on reused and on new connections', () => {
    // 12 images on one host: the first goes on the HTML's connection (reused), the next five open new ones.
    const scenario = testScenario({ site: { images: 12 }, serverKnobs: { thinkMs: 20 } });
    const profile = withClientTiming(browserProfile('ie-8'), timing(7, 33, 3));
    const result = simulate(scenario, profile, testNetwork({ rttMs: 50, dnsMs: 20 }));
    const [phases] = clientTimingPhases(result);
    // DNS and the handshake are the network's, not the browser's: the navigation phase is the 7 ms alone.
    expect(phases!.navigationMs).toBeCloseTo(7, 6);
    expect(phases!.discoverMs).toBeCloseTo(33, 6);
    expect(phases!.loadEventMs).toBeCloseTo(3, 6);
  });

  it('adds the timing to the load: three phases, once each per page', () => {
    const scenario = testScenario({ site: { images: 4 } });
    const network = testNetwork({ rttMs: 50 });
    const bare = simulate(scenario, withClientTiming(browserProfile('ie-8'), NO_CLIENT_TIME), network);
    const timed = simulate(scenario, withClientTiming(browserProfile('ie-8'), timing(7, 33, 3)), network);
    expect(timed.metrics.pageLoadMs[0]! - bare.metrics.pageLoadMs[0]!).toBeCloseTo(43, 6);
    expect(clientTimingPhases(bare)[0]).toEqual({
      navigationMs: 0,
      discoverMs: 0,
      loadEventMs: 0,
      bodyMs: null,
      layoutMs: null,
      responseMs: null,
      responseLatencyMs: null,
    });
  });

  it('gives back the body and the layout that released the images a scheduler held, where the page has room for more', () => {
    // 40 images over 4 image hosts (24 sockets): Chromium's scheduler lets the first 10 go after the 22 ms parse and
    // holds the rest until layout, 85 ms after the HTML's last byte; the 11th image on the wire shows it. The first
    // image answers only after a handshake, a round trip and 20 ms of thinking (120 ms), so none frees a slot sooner.
    const scenario = testScenario({ site: { hosts: 4, images: 40 }, serverKnobs: { thinkMs: 20 } });
    // Before that, Blink's tight mode lets two run until the body is inserted, 40 ms after the first images went.
    const profile = withClientTiming(browserProfile('chromium'), timing(0, 22, 3, 85, 0, 40));
    const [phases] = clientTimingPhases(simulate(scenario, profile, testNetwork({ rttMs: 50 })), { tightFirst: 2, delayableFirst: 10 });
    expect(phases!.discoverMs).toBeCloseTo(22, 6);
    expect(phases!.bodyMs).toBeCloseTo(40, 6);
    expect(phases!.layoutMs).toBeCloseTo(85, 6);
  });

  it('leaves out what a page did not show, and takes medians of the rest', () => {
    const scenario = testScenario({ site: { images: 0 } });
    const result = simulate(scenario, browserProfile('ie-8'), testNetwork({ rttMs: 50 }));
    expect(clientTimingPhases(result)[0]).toEqual({
      navigationMs: 0,
      discoverMs: null,
      loadEventMs: null,
      bodyMs: null,
      layoutMs: null,
      responseMs: null,
      responseLatencyMs: null,
    });
    expect(
      medianPhases([
        { navigationMs: 1, discoverMs: 30, loadEventMs: null, bodyMs: null, layoutMs: 80, responseMs: 9, responseLatencyMs: null },
        { navigationMs: 3, discoverMs: 50, loadEventMs: null, bodyMs: 30, layoutMs: null, responseMs: null, responseLatencyMs: null },
        { navigationMs: 2, discoverMs: null, loadEventMs: null, bodyMs: null, layoutMs: null, responseMs: 11, responseLatencyMs: null },
      ]),
    ).toEqual({ navigationMs: 2, discoverMs: 40, loadEventMs: null, bodyMs: 30, layoutMs: 80, responseMs: 10, responseLatencyMs: null });
  });
});
