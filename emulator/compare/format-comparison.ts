/** The comparison as a terminal table: one column per world, then the real browser's difference from each. */
import { textTable, type Column } from '../report/text-table.ts';
import type { Comparison, ComparisonRow } from './comparison.ts';

export function formatComparisonTable(title: string, comparison: Comparison, notes: readonly string[] = []): string {
  const realName = comparison.worlds[comparison.real]!;
  const columns: Column[] = [
    { title: 'figure' },
    ...comparison.worlds.map((w) => ({ title: w, align: 'right' as const })),
    ...comparison.emulated.map((i) => ({ title: `${realName} − ${comparison.worlds[i]}`, align: 'right' as const })),
  ];
  const rows = comparison.rows.map((row) => [
    row.label,
    ...row.values.map((v) => formatValue(row, v)),
    ...row.diffs.map((d, i) => formatDiff(row, d) + mark(row.within[i] ?? null)),
  ]);
  const verdict = comparison.rows.some((r) => r.within.some((w) => w !== null))
    ? comparison.disagreements === 0
      ? '  within tolerance'
      : `  ✗ ${comparison.disagreements} figure(s) outside tolerance`
    : '';
  return [title, textTable(columns, rows), ...(verdict ? [verdict] : []), ...notes.map((n) => `  · ${n}`)].join('\n');
}

function formatValue(row: ComparisonRow, value: number | null): string {
  if (value === null) return '–';
  if (row.kind === 'rpc') return value.toFixed(2);
  return Number.isInteger(value) ? String(value) : value.toFixed(0);
}

function formatDiff(row: ComparisonRow, diff: number | null): string {
  if (diff === null) return '–';
  if (row.kind === 'load' || row.kind === 'rpc' || row.kind === 'info-ms') return `${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)}%`;
  return diff === 0 ? '0' : `${diff > 0 ? '+' : ''}${Number.isInteger(diff) ? diff : diff.toFixed(0)}`;
}

function mark(within: boolean | null): string {
  return within === null ? '  ' : within ? ' ✓' : ' ✗';
}
