/**
 * Real browsers: wall time per page load for real Chromium against the emulator on the same page in the same run
 * (the emulator should be at least 10× faster), Firefox ESR's per-run cost, and the fidelity battery's summary
 * (connection-count matches / total, requests-per-connection and load-time error).
 *
 * Baseline: the emulator world available in this build (sim; the live world replaces it once it is on main), on
 * the same scenario and network. The page: 40 images of 2 KiB on one host, server think time 20 ms.
 */
import { ChromiumWorld } from '../emulator/browsers/chromium-world.ts';
import { firefoxExecutable } from '../emulator/browsers/firefox-run.ts';
import { FirefoxWorld } from '../emulator/browsers/firefox-world.ts';
import { browserProfile } from '../emulator/profiles/browsers.ts';
import { simulate } from '../emulator/sim/sim-world.ts';
import type { Step } from '../emulator/scenario/types.ts';
import { SHAPES, shapeScenario } from '../test/fidelity/battery.ts';
import { runShape, type BatteryRow } from '../test/fidelity/run-battery.ts';
import { fidelitySite } from '../test/fidelity/site.ts';
import { existsSync } from 'node:fs';
import { median, type Bench, type BenchFigure } from './harness.ts';

const LOADS = 10;
const REPEATS = 3;

const bench: Bench = async () => {
  const { startSite, network } = fidelitySite();
  const chromium = browserProfile('chromium');
  const page = SHAPES.find((s) => s.name === 'one-host-40')!;
  // One browser, LOADS page loads in a row: start-up is paid once and shown apart.
  const tour = { ...shapeScenario(page), steps: Array.from({ length: LOADS }, (): Step => ({ kind: 'load', site: 'main', path: '/' })) };
  const single = shapeScenario(page);

  const realPerLoad: number[] = [];
  const realPerRun: number[] = [];
  const emulatedPerLoad: number[] = [];
  const world = new ChromiumWorld({ startSite });
  simulate(tour, chromium, network); // warm-up: the JIT, not the model
  for (let i = 0; i < REPEATS; i++) {
    let t = performance.now();
    await world.run({ scenario: tour, browser: chromium, network });
    const tourMs = performance.now() - t;
    t = performance.now();
    await world.run({ scenario: single, browser: chromium, network });
    const runMs = performance.now() - t;
    realPerRun.push(runMs);
    // Per load in a warm browser: the tour's extra loads over the single run.
    realPerLoad.push((tourMs - runMs) / (LOADS - 1));
    t = performance.now();
    simulate(tour, chromium, network);
    emulatedPerLoad.push((performance.now() - t) / LOADS);
  }
  const real = median(realPerLoad);
  const emulated = median(emulatedPerLoad);
  const figures: BenchFigure[] = [
    { label: 'real Chromium: wall ms per page load, warm browser', value: real, unit: 'ms', ratio: real / emulated, baseline: 'emulator (sim)' },
    { label: 'emulator (sim): wall ms per page load, same page', value: emulated, unit: 'ms' },
    { label: 'real Chromium: wall ms per run (launch, load, close)', value: median(realPerRun), unit: 'ms' },
  ];

  const hasFirefox = existsSync(firefoxExecutable());
  if (hasFirefox) {
    const firefoxRuns: number[] = [];
    const firefox = new FirefoxWorld({ startSite });
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      await firefox.run({ scenario: single, browser: browserProfile('ie-6'), network });
      firefoxRuns.push(performance.now() - t);
    }
    figures.push({ label: 'Firefox ESR: wall ms per run (start, load, quit)', value: median(firefoxRuns), unit: 'ms' });
  }

  const rows: BatteryRow[] = [];
  for (const shape of SHAPES) rows.push(await runShape(shape, world, chromium, network));
  if (hasFirefox) {
    const firefox = new FirefoxWorld({ startSite });
    for (const name of ['ie-6', 'firefox-2']) for (const shape of SHAPES) rows.push(await runShape(shape, firefox, browserProfile(name), network));
  }
  figures.push(...batterySummary(rows));
  return {
    title: 'Real browsers (Chromium via Playwright, Firefox ESR via Marionette) and the fidelity battery',
    figures,
    notes: [
      `median of ${REPEATS}; page: ${page.site.images} images, server think ${single.server.knobs.thinkMs} ms; network ${network.name}`,
      'the emulator baseline is the sim world; the live world (real sockets) replaces it once it is on main',
      `battery: ${SHAPES.length} shapes × (chromium${hasFirefox ? '; firefox as ie-6, firefox-2' : ''}); load times compared only at RTT ≥ 50 ms through the shaper`,
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
