/**
 * What each benchmark file reports. `bench/run.ts` runs every `bench/*.bench.ts` (their default export) in one
 * process and prints the sections; figures are also written to out/bench.json for docs/BENCHMARKS.md.
 * Ratios are against a baseline measured in the same run, never against a number from another machine.
 */
export interface BenchFigure {
  label: string;
  value: number;
  unit: string;
  /** value ÷ baseline, where the figure has a baseline in the same run. */
  ratio?: number;
  baseline?: string;
}

export interface BenchSection {
  title: string;
  figures: BenchFigure[];
  /** Free text: where the time goes, caveats. */
  notes?: string[];
}

export type Bench = () => Promise<BenchSection>;

export { median } from '../emulator/stats.ts';
