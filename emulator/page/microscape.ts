/**
 * The 1997 "Microscape" test page of Nielsen, Gettys et al., "Network Performance Effects of HTTP/1.1, CSS1, and
 * PNG": a 42 KB HTML page with 42 inline GIFs, 125 KB in all, from 70 B to 40 KB — 19 under 1 KB, 7 of 1–2 KB,
 * 6 of 2–3 KB and 10 over 3 KB. The paper gives the mix, not each file; these sizes keep every published figure.
 */
export const MICROSCAPE_HTML_BYTES = 42 * 1024;

const UNDER_1K = [70, 96, 130, 170, 210, 250, 300, 350, 400, 450, 500, 560, 620, 680, 740, 800, 860, 920, 990];
const FROM_1K_TO_2K = [1100, 1250, 1400, 1550, 1700, 1850, 1990];
const FROM_2K_TO_3K = [2100, 2250, 2400, 2550, 2700, 2900];
// The ten large images make up the rest of 125 KB (128 000 B), the largest 40 KB (40 960 B).
const OVER_3K = [3200, 3500, 4000, 4600, 5300, 6100, 7000, 8200, 10_304, 40_960];

/** Interleaved the way a page mixes icons and pictures, so no host or connection gets all the big ones. */
export const MICROSCAPE_IMAGE_BYTES: readonly number[] = interleave([UNDER_1K, FROM_1K_TO_2K, FROM_2K_TO_3K, OVER_3K]);

function interleave(groups: number[][]): number[] {
  const out: number[] = [];
  const longest = Math.max(...groups.map((g) => g.length));
  for (let i = 0; i < longest; i++) for (const g of groups) if (i < g.length) out.push(g[i]!);
  return out;
}
