import { describe, expect, it } from 'vitest';
import { withClientTiming } from '../profiles/browser-profile.ts';
import { browserProfile } from '../profiles/browsers.ts';
import { CHROMIUM_156_TIMING } from '../profiles/client-timing.ts';
import { simulate } from '../sim/sim-world.ts';
import { CALIBRATION_PAGES, calibrationNetwork, calibrationScenario, fitResponseMs } from './calibration.ts';

describe('calibration', () => {
  it("fits the browser's time per response back from a load of the CPU-bound page", () => {
    const page = CALIBRATION_PAGES.find((p) => p.cpuBound)!;
    const scenario = calibrationScenario(page);
    const chromium = browserProfile('chromium');
    const withResponse = (responseMs: number) => withClientTiming(chromium, { ...CHROMIUM_156_TIMING, timing: { ...CHROMIUM_156_TIMING.timing, responseMs } });
    // The page is on bare loopback from a server that answers at once: 40 responses one at a time, 6.5 ms each, are
    // most of the load, and the fit finds 6.5 again (to its quarter-ms step).
    const load = simulate(scenario, withResponse(6.5), calibrationNetwork(page)).metrics.pageLoadMs[0]!;
    expect(load).toBeGreaterThan(40 * 6.5);
    expect(fitResponseMs(load, scenario, withResponse(0))).toBeCloseTo(6.5, 0);
  });
});
