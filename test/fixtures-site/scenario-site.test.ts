/**
 * The one entry every socket world starts the fixture site through: started, warm (the content cache filled with no
 * sockets, so the tracker starts empty), shaped only when the network needs it, and resettable between runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startScenarioSite, type ScenarioSite } from '../../fixtures-site/index.ts';
import { networkProfile } from '../../emulator/profiles/network-profile.ts';
import { serverProfile } from '../../emulator/profiles/server-profile.ts';
import { get, RawClient } from './raw-client.ts';

const scenario = {
  sites: { main: { domain: 'warm.localhost', hosts: 2, images: 5, imageBytes: 500, htmlBytes: 2000 } },
  server: serverProfile('apache-2.2'),
  faults: [],
};

let site: ScenarioSite | null = null;
afterEach(async () => {
  await site?.close();
  site = null;
});

describe('startScenarioSite', () => {
  it('starts warm: every page and image resolved into the content cache, and no connection in the tracker', async () => {
    site = await startScenarioSite(scenario, networkProfile('loopback').knobs);
    expect(site.server.cachedResponses).toBe(1 + 5);
    expect(site.snapshot().connections).toEqual([]);
    expect(site.shaper).toBeNull();
  });

  it('records what a client does and forgets it on reset', async () => {
    site = await startScenarioSite(scenario, networkProfile('loopback').knobs);
    const client = new RawClient(site.port);
    await client.connected;
    client.write(get('/', `warm.localhost:${site.port}`));
    const [response] = await client.responses(1);
    expect(response!.status).toBe(200);
    expect(site.snapshot().connections).toHaveLength(1);
    await site.reset();
    expect(site.snapshot().connections).toHaveLength(0);
    client.close();
  });

  it('shapes a network with a delay, scaled by the time scale, its unset uplink sharing the downlink’s rate', async () => {
    const knobs = { ...networkProfile('loopback').knobs, rttMs: 100, bandwidthKbps: 1000, upBandwidthKbps: null };
    site = await startScenarioSite(scenario, knobs, { timeScale: 0.5 });
    expect(site.shaper).not.toBeNull();
    expect(site.network).toMatchObject({ rttMs: 50, bandwidthKbps: 2000, upBandwidthKbps: 2000 });
  });
});
