import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { SimWorld } from './sim-world.ts';

const shipped = (file: string): Promise<Scenario> => loadScenarioFile(new URL(`../../scenarios/${file}`, import.meta.url).pathname);

async function runWithSpread(scenario: Scenario) {
  return new SimWorld({ countSpread: true }).run({ scenario, browser: scenario.browsers[0]!, network: scenario.networks[0]! });
}

describe('countSpread: how far a simulated count moves over ±2 ms of round trip', () => {
  it("an office behind one proxy: its connections to the origin are a tie of several; each user's connections to the proxy hold", async () => {
    const scenario = await shipped('15-office-proxy-2006-rfc-2n.yaml');
    const result = await runWithSpread(scenario);
    const host = Object.keys(result.metrics.proxy!.originConnections)[0]!;
    const range = result.countSpread?.[`proxy's connections to ${host}`];
    expect(range, 'the origin count moves with the round trip').toBeDefined();
    expect(range!.max).toBeGreaterThan(range!.min);
    const figure = result.metrics.proxy!.originConnections[host]!;
    expect(figure).toBeGreaterThanOrEqual(range!.min);
    expect(figure).toBeLessThanOrEqual(range!.max);
    // Each user's own connections (to the proxy) are decided by its own page, not by a race with the others.
    expect(Object.keys(result.countSpread!).filter((what) => what.startsWith('connections to '))).toEqual([]);
  });

  it('one browser over a shaped network: nothing moves, so no spread is given', async () => {
    const result = await runWithSpread(await shipped('01-gallery-40.yaml'));
    expect(result.countSpread).toBeUndefined();
    expect(result.metrics.connectionsOpened).toBeGreaterThan(0);
  });

  it('is given only when asked for (the simulation compared with another world)', async () => {
    const scenario = await shipped('15-office-proxy-2006-rfc-2n.yaml');
    const result = await new SimWorld().run({ scenario, browser: scenario.browsers[0]!, network: scenario.networks[0]! });
    expect(result.countSpread).toBeUndefined();
  });
});
