/**
 * The waterfall's time axis, shared by every run of a section so emulated and real browsers line up. A long pause
 * between page loads (an idle step of 90 s between two 2 s loads) is broken out of the axis — drawn as a short gap
 * labelled with its length — so the loads keep their width instead of shrinking to a few pixels.
 */
import type { RunResult } from '../result/types.ts';

/** Pixels a broken-out pause takes. */
export const BREAK_PX = 36;

export interface AxisBreak {
  from: number;
  to: number;
  /** Where the break is drawn: its left and right edges, px. */
  left: number;
  right: number;
}

export interface TimeAxis {
  /** Scenario ms → px. */
  x(t: number): number;
  /** The active stretches, ms, in order. */
  segments: readonly { from: number; to: number }[];
  breaks: readonly AxisBreak[];
}

/**
 * A pause is broken out when it is longer than a second and than the active time around it: what a reader wants to
 * see is the loads; the pause is a number.
 */
export function timeAxis(results: readonly RunResult[], endAt: number, left: number, right: number): TimeAxis {
  const span = Math.max(endAt, 1);
  const busy = busyStretches(results, span);
  const active = busy.reduce((sum, s) => sum + (s.to - s.from), 0);
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < busy.length; i++) {
    const from = busy[i - 1]!.to;
    const to = busy[i]!.from;
    if (to - from > 1_000 && to - from > active) gaps.push({ from, to });
  }
  if (gaps.length === 0) {
    const scale = (right - left) / span;
    return { x: (t) => left + t * scale, segments: [{ from: 0, to: span }], breaks: [] };
  }
  const segments: { from: number; to: number }[] = [];
  let at = 0;
  for (const gap of gaps) {
    segments.push({ from: at, to: gap.from });
    at = gap.to;
  }
  segments.push({ from: at, to: span });
  const shown = segments.reduce((sum, s) => sum + (s.to - s.from), 0);
  const scale = (right - left - BREAK_PX * gaps.length) / Math.max(shown, 1);
  const starts: number[] = [];
  let px = left;
  for (const [i, s] of segments.entries()) {
    starts.push(px);
    px += (s.to - s.from) * scale + (i < gaps.length ? BREAK_PX : 0);
  }
  const x = (t: number): number => {
    for (let i = segments.length - 1; i >= 0; i--) {
      const s = segments[i]!;
      if (t >= s.from)
        return starts[i]! + (Math.min(t, s.to) - s.from) * scale + (t > s.to && i < gaps.length ? ((t - s.to) / (gaps[i]!.to - gaps[i]!.from)) * BREAK_PX : 0);
    }
    return left;
  };
  const breaks = gaps.map((g, i) => ({ ...g, left: starts[i]! + (segments[i]!.to - segments[i]!.from) * scale, right: starts[i + 1]! }));
  return { x, segments, breaks };
}

/** Where something happens (a page loading, a request in flight), merged; idle connections do not count. */
function busyStretches(results: readonly RunResult[], span: number): { from: number; to: number }[] {
  const stretches: { from: number; to: number }[] = [];
  for (const r of results) {
    for (const p of r.pages) stretches.push({ from: p.startedAt, to: p.startedAt + (p.lateDoneMs ?? p.loadMs ?? 0) });
    for (const c of r.connections) {
      for (const q of c.requests) stretches.push({ from: q.sentAt, to: q.doneAt ?? q.sentAt });
    }
  }
  stretches.push({ from: 0, to: 0 }, { from: span, to: span });
  stretches.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const s of stretches) {
    const last = merged.at(-1);
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}
