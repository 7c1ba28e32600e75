/**
 * Valid input the simulation once gave up on (issue 14, item 6): after a long idle step the clock reads millions of
 * ms, and on a fast link the fluid model's last fraction of a byte took a delay too small to move that clock, so the
 * link rescheduled the same instant until the event limit ("a bug in a model"). An idle step costs one event however
 * long it is; what follows it must finish the same as after a short one.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioData } from '../../emulator/scenario/load.ts';
import { EventQueue } from '../../emulator/sim/event-queue.ts';
import { simulate } from '../../emulator/sim/sim-world.ts';

/** Runs every browser × network of a scenario in the simulation; returns the results and each run's event count. */
function simulateCounting(data: unknown) {
  const scenario = loadScenarioData(data, 'long-runs');
  const runs = [];
  for (const network of scenario.networks) {
    for (const browser of scenario.browsers) {
      const counted = { events: 0 };
      const run = EventQueue.prototype.run;
      EventQueue.prototype.run = function (this: EventQueue, until?: () => boolean) {
        try {
          run.call(this, until);
        } finally {
          counted.events = this.processed;
        }
      };
      try {
        runs.push({ result: simulate(scenario, browser, network), events: counted.events });
      } finally {
        EventQueue.prototype.run = run;
      }
    }
  }
  return runs;
}

const FAST_LINKS = ['lan-1997', { bandwidthKbps: 1_000_000 }, { bandwidthKbps: 100_000_000, rttMs: 500 }, { rttMs: 20, bandwidthKbps: 100_000 }];

describe('a long idle step in the simulation', () => {
  it('is followed by a load that finishes as after a short one, on links up to 100 Gbit/s', () => {
    const scenario = (idleMs: number) => ({
      name: 'pause',
      site: { images: 10 },
      network: FAST_LINKS,
      browsers: ['ie-6', 'chromium'],
      // A day, twice: the clock reads 172,800,000 ms when the last load starts.
      steps: [{ load: '/' }, { idleMs }, { load: '/' }, { idleMs }, { load: '/' }],
    });
    const long = simulateCounting(scenario(86_400_000));
    const short = simulateCounting(scenario(600_000));
    expect(long).toHaveLength(8);
    long.forEach(({ result, events }, i) => {
      expect(result.errors, `${result.browser} on ${result.network}`).toEqual([]);
      expect(result.metrics.failedResources).toBe(0);
      // Each load after the pause takes what it took after ten minutes, to the microsecond.
      for (const [k, ms] of result.metrics.pageLoadMs.entries()) expect(ms).toBeCloseTo(short[i]!.result.metrics.pageLoadMs[k]!, 3);
      // And costs the same events: the pause is one timer, whatever its length (every idle timeout fired in both).
      expect(events).toBe(short[i]!.events);
    });
  });
});
