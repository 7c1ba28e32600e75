/**
 * Faults in every world, the small version (docs/RELIABILITY.md, "Faults in every world"; the whole grid is
 * scripts/fault-grid.ts): each fault case × the five grid profiles, in the simulation and live through the shaper,
 * must finish with every resource loaded or failed with a reason, and the two worlds must agree on which.
 *
 * Left out here: the cases that hit the Nth request on a connection (`nthOnConnection`) with several connections
 * open, where which image is the Nth on which connection turns on which connection frees first, a tie the
 * simulation decides by the microsecond and live sockets by jitter (the script runs them and reports them).
 * Times: a 100 ms RTT at a fifth of wall time, a client deadline of 4 s (scenario) so a stall can pass it quickly.
 */
import { describe, expect, it } from 'vitest';
import { faultCases, GRID_PROFILES, runCell, type GridOptions } from './fault-grid-cases.ts';

const options: GridOptions = { deadlineMs: 4_000, rttMs: 100, timeScale: 0.2, idleMs: 2_000 };
const cases = faultCases(options.deadlineMs).filter((c) => !c.faults.includes('nthOnConnection: 2 }]') && !c.faults.includes('nthOnConnection: 3'));

describe.each(cases.map((c) => [c.name, c] as const))('%s: sim and live agree on what loaded and what failed', (_name, c) => {
  it('every grid profile', { timeout: 60_000 }, async () => {
    const cells = await Promise.all(GRID_PROFILES.map((profile) => runCell(c, profile, options)));
    const report = cells.map((cell) => ({ profile: cell.profile, differences: cell.differences, problems: cell.problems }));
    expect(report).toEqual(report.map((r) => ({ profile: r.profile, differences: [], problems: [] })));
  });
});

describe('the fault model itself', () => {
  it('a stall past the deadline fails its image in the simulation, as live; one under it answers late', async () => {
    const [under, over] = ['stall under the deadline', 'stall past the deadline'].map((name) => faultCases(options.deadlineMs).find((c) => c.name === name)!);
    const late = await runCell(under!, 'ie-6', options);
    const lost = await runCell(over!, 'ie-6', options);
    const answered = late.sim.pages[0]!.resources.find((r) => r.path === '/images/1.gif')!;
    expect(answered.failed).toBeUndefined();
    // A quarter of the deadline late: 1 s of stall after its request went at about 0.2 s.
    expect(answered.doneAt! - answered.queuedAt).toBeGreaterThan(1_000);
    expect(lost.sim.pages[0]!.resources.find((r) => r.path === '/images/4.gif')!.failed).toMatch(/timed out/);
    expect(lost.live.pages[0]!.resources.find((r) => r.path === '/images/4.gif')!.failed).toMatch(/timed out/);
  });
});
