/**
 * Real browsers: wall time per page load for real Chromium against the live emulator on the same page in the same run
 * (the emulator should be at least 10× faster), Firefox ESR's cost per run, and the fidelity battery's summary
 * (connection-count matches / total, requests-per-connection and load-time error).
 *
 * Speed: the same 40-image page (2 KiB images, no server think time) from the fixture site on loopback, loaded by real
 * Chromium and by the live world (policy engine over real sockets), each as a tour of LOADS page loads minus a single
 * load, so start-up (browser launch, site start, cache warming) is left out of the per-load figure. The simulation's
 * per-load time is shown beside them. The battery runs through the shaper at 50 ms RTT.
 */
import { existsSync } from 'node:fs';
import { ChromiumWorld } from '../emulator/browsers/chromium-world.ts';
import { firefoxExecutable } from '../emulator/browsers/firefox-process.ts';
import { FirefoxWorld } from '../emulator/browsers/firefox-world.ts';
import { startFixtureSiteInProcess } from '../emulator/browsers/site-process.ts';
import { LiveWorld } from '../emulator/live/live-world.ts';
import { withClientTiming } from '../emulator/profiles/browser-profile.ts';
import { browserProfile } from '../emulator/profiles/browsers.ts';
import { NO_CLIENT_TIME } from '../emulator/profiles/client-timing.ts';
import { networkProfile, type NetworkProfile } from '../emulator/profiles/network-profile.ts';
import type { Scenario, Step } from '../emulator/scenario/types.ts';
import { simulate } from '../emulator/sim/sim-world.ts';
import type { World } from '../emulator/world.ts';
import { SHAPES, selectedShapes, shapeScenario } from '../test/fidelity/battery.ts';
import { runShape, type BatteryRow } from '../test/fidelity/run-battery.ts';
import { fidelitySite } from '../test/fidelity/site.ts';
import { median, type Bench, type BenchFigure } from './harness.ts';

const LOADS = 10;
/**
 * The figure is what emulating costs: Chromium's policy without its measured processing time, which the live world
 * would otherwise wait out in real time (about 25 ms a page) and real Chromium spends anyway.
 */
const POLICY_ONLY_CHROMIUM = withClientTiming(browserProfile('chromium'), NO_CLIENT_TIME);
const REPEATS = 3;

/** Wall ms per page load in `world`: a tour of LOADS loads minus one load, over LOADS − 1 (start-up cancels out). */
async function perLoad(world: World, tour: Scenario, single: Scenario, network: NetworkProfile): Promise<{ perLoadMs: number; runMs: number }> {
  const browser = POLICY_ONLY_CHROMIUM;
  let t = performance.now();
  await world.run({ scenario: tour, browser, network });
  const tourMs = performance.now() - t;
  t = performance.now();
  await world.run({ scenario: single, browser, network });
  const runMs = performance.now() - t;
  return { perLoadMs: (tourMs - runMs) / (LOADS - 1), runMs };
}

const bench: Bench = async () => {
  const { startSite, network } = fidelitySite();
  const chromium = POLICY_ONLY_CHROMIUM;
  const loopback = networkProfile('loopback');
  const shape = SHAPES.find((s) => s.name === 'one-host-40')!;
  // No think time: the page costs what the loaders cost, not what the server waits.
  const single = shapeScenario({ ...shape, server: { thinkMs: 0 } });
  const tour: Scenario = { ...single, steps: Array.from({ length: LOADS }, (): Step => ({ kind: 'load', site: 'main', path: '/' })) };

  const real = new ChromiumWorld({ startSite: startFixtureSiteInProcess });
  const live = new LiveWorld();
  const realPerLoad: number[] = [];
  const realPerRun: number[] = [];
  const livePerLoad: number[] = [];
  const simPerLoad: number[] = [];
  simulate(tour, chromium, loopback); // warm-up: the JIT, not the model
  await perLoad(live, tour, single, loopback);
  for (let i = 0; i < REPEATS; i++) {
    const r = await perLoad(real, tour, single, loopback);
    realPerLoad.push(r.perLoadMs);
    realPerRun.push(r.runMs);
    livePerLoad.push((await perLoad(live, tour, single, loopback)).perLoadMs);
    const t = performance.now();
    simulate(tour, chromium, loopback);
    simPerLoad.push((performance.now() - t) / LOADS);
  }
  const realMs = median(realPerLoad);
  const liveMs = median(livePerLoad);
  const simMs = median(simPerLoad);
  const figures: BenchFigure[] = [
    { label: 'real Chromium: wall ms per page load, warm browser', value: realMs, unit: 'ms', ratio: realMs / liveMs, baseline: 'live emulator' },
    { label: 'live emulator: wall ms per page load, same page', value: liveMs, unit: 'ms' },
    { label: 'sim: wall ms per page load, same page', value: simMs, unit: 'ms', ratio: realMs / simMs, baseline: 'sim (real ÷ sim)' },
    { label: 'real Chromium: wall ms per run (launch, load, close)', value: median(realPerRun), unit: 'ms' },
  ];
  const world = new ChromiumWorld({ startSite });

  const hasFirefox = existsSync(firefoxExecutable());
  if (hasFirefox) {
    const firefoxRuns: number[] = [];
    const firefox = new FirefoxWorld({ startSite });
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      await firefox.run({ scenario: single, browser: browserProfile('ie-6'), network: loopback });
      firefoxRuns.push(performance.now() - t);
    }
    figures.push({ label: 'Firefox ESR: wall ms per run (start, load, quit)', value: median(firefoxRuns), unit: 'ms' });
  }

  // KEEPALIVE_LAB_FIDELITY_SET=wide (or holdout) and KEEPALIVE_LAB_FIDELITY_RTT choose the battery, as for the specs.
  const shapes = selectedShapes();
  const players = ['ie-6', 'firefox-2', 'firefox-3'];
  const rows: BatteryRow[] = [];
  for (const shape of shapes) rows.push(await runShape(shape, world, chromium, network));
  if (hasFirefox) {
    const firefox = new FirefoxWorld({ startSite });
    for (const name of players) for (const shape of shapes) rows.push(await runShape(shape, firefox, browserProfile(name), network));
  }
  figures.push(...batterySummary(rows));
  return {
    title: 'Real browsers (Chromium via Playwright, Firefox ESR via Marionette) and the fidelity battery',
    figures,
    notes: [
      `median of ${REPEATS}; speed page: ${shape.site.images} images of 2 KiB, no think time, fixture site on loopback; battery network ${network.name}`,
      'ratios are real ÷ emulator: how many times faster the emulator loads the same page',
      `battery: ${shapes.length} shapes × (chromium${hasFirefox ? `; firefox as ${players.join(', ')}` : ''}), network ${network.name}`,
    ],
  };
};

function batterySummary(rows: readonly BatteryRow[]): BenchFigure[] {
  const matches = rows.filter((r) => r.connectionsMatch).length;
  const rpc = rows.map((r) => Math.abs(r.rpcError));
  const load = rows.flatMap((r) => (r.loadError === null ? [] : [Math.abs(r.loadError)]));
  const figures: BenchFigure[] = [
    { label: `fidelity: connections per host exact (${matches} of ${rows.length} shapes)`, value: (matches / rows.length) * 100, unit: '%' },
    { label: 'fidelity: largest requests/connection error', value: Math.max(...rpc) * 100, unit: '%' },
  ];
  if (load.length > 0) {
    const within = load.filter((e) => e <= 0.15).length;
    figures.push({ label: `fidelity: load within 15 % (${within} of ${load.length} shapes)`, value: (within / load.length) * 100, unit: '%' });
    figures.push({ label: 'fidelity: median load-time error', value: median(load) * 100, unit: '%' });
    figures.push({ label: 'fidelity: largest load-time error', value: Math.max(...load) * 100, unit: '%' });
  }
  return figures;
}

export default bench;
