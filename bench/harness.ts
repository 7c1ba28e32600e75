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

/** Median of repeated measurements, the figure the reports quote (robust to one noisy run on a shared machine). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
