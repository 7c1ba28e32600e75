/**
 * The fidelity battery: site shapes that each stress one part of a connection policy, loaded by a real browser and
 * by the emulator with the same profile. Shapes, not browsers: each names what it tests.
 */
import type { SiteSpec } from '../../emulator/page/site.ts';
import { serverProfile, type ServerKnobs } from '../../emulator/profiles/server-profile.ts';
import type { Scenario, Step } from '../../emulator/scenario/types.ts';

export interface Shape {
  name: string;
  /** What the shape tests. */
  why: string;
  site: Omit<SiteSpec, 'domain'>;
  server?: Partial<ServerKnobs>;
  steps?: Step[];
}

/** Server think time that keeps every socket busy long enough for a browser to open its cap on loopback. */
const BUSY = { thinkMs: 20 };

export const SHAPES: readonly Shape[] = [
  { name: 'one-host-5', why: 'fewer images than the per-host cap: one connection each', site: { hosts: 1, images: 5, imageBytes: 2048, htmlBytes: 2048 }, server: BUSY },
  { name: 'one-host-40', why: 'the per-host cap', site: { hosts: 1, images: 40, imageBytes: 2048, htmlBytes: 4096 }, server: BUSY },
  { name: 'one-host-500', why: 'the per-host cap over a long queue', site: { hosts: 1, images: 500, imageBytes: 1024, htmlBytes: 40_000 }, server: BUSY },
  { name: 'four-image-hosts-40', why: 'the cap is per host: image hosts multiply connections', site: { hosts: 4, images: 40, imageBytes: 2048, htmlBytes: 4096 }, server: BUSY },
  {
    name: 'connection-close-20',
    why: 'every response Connection: close: one connection per request',
    site: { hosts: 1, images: 20, imageBytes: 2048, htmlBytes: 2048 },
    server: { ...BUSY, keepAlive: false },
  },
  {
    name: 'hosts-over-total-cap',
    why: 'more hosts than the total cap: eviction or waiting at the cap',
    site: { hosts: 300, images: 300, imageBytes: 512, htmlBytes: 30_000 },
    server: { ...BUSY, idleTimeoutMs: 60_000 },
  },
  {
    name: 'late-after-server-idle',
    why: 'a short server idle timeout with images added after it: reconnects',
    site: { hosts: 1, images: 10, imageBytes: 2048, htmlBytes: 2048, lateImages: { count: 10, afterMs: 1_500 } },
    server: { ...BUSY, idleTimeoutMs: 500 },
  },
];

export function shapeScenario(shape: Shape, domain = 'fidelity.localhost'): Scenario {
  const base = serverProfile('apache-2.2');
  return {
    name: shape.name,
    file: `fidelity:${shape.name}`,
    description: shape.why,
    sites: { main: { domain, ...shape.site } },
    server: { ...base, knobs: { ...base.knobs, idleTimeoutMs: 30_000, ...shape.server } },
    networks: [],
    browsers: [],
    steps: shape.steps ?? [{ kind: 'load', site: 'main', path: '/' }],
    proxy: false,
    faults: [],
  };
}
