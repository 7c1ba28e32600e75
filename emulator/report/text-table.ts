/** Aligned plain-text tables for the terminal: left-aligned text, right-aligned numbers, a rule under the header. */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

export function textTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(visibleLength(c.title), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - visibleLength(cell));
        return columns[i]!.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.title));
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [header, rule, ...rows.map(line)].join('\n');
}

/** Length as the terminal shows it: ANSI colour codes take no room. */
function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC, which is what this strips.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar `value / max` of `width` cells, in eighths of a cell. */
export function bar(value: number, max: number, width: number): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.round((Math.min(value, max) / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8]!;
}
