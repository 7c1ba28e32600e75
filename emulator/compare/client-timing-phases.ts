/**
 * Reads a browser's own processing time (client-timing.ts) out of any world's RunResult, the way the page loader
 * spends it: navigation start → the first bytes on the wire, the HTML's last byte → its images' first bytes on the
 * wire, the last image's last byte → the load event. "On the wire" is a connection's opening for the first request it
 * carries and the request's sending for a reused connection, so DNS, handshakes and queueing for a connection are
 * never counted as the browser's time.
 *
 * Applied to a simulation it gives back the timing the profile was simulated with: that is its test.
 */
import { CLIENT_TIMING_NAMES, type ClientTiming, type ClientTimingName } from '../profiles/client-timing.ts';
import type { ConnectionRecord, PageResult, ResourceResult, RunResult } from '../result/types.ts';
import { median } from '../stats.ts';

/**
 * The phases calibration measures: every one but `responseLatencyMs`, which no run's record shows (DevTools' per-request
 * timing does: scripts/probe-scheduling.ts), so it stays null here.
 */
export const CALIBRATED_PHASES: readonly ClientTimingName[] = CLIENT_TIMING_NAMES.filter((name) => name !== 'responseLatencyMs');

/** One page load's phases; null for a phase the page did not show (a failed HTML, a page without images). */
export type PagePhases = { [K in keyof ClientTiming]: number | null };

/** What the caller knows of the scheduler that played the run, to read `bodyMs` and `layoutMs` from it. */
export interface PhaseReading {
  /** How many images a request scheduler lets run before the body is inserted (`schedulerTightLimit`), or null. */
  tightFirst?: number | null;
  /** How many images a request scheduler lets go before layout (a profile's `schedulerMaxDelayable`), or null. */
  delayableFirst?: number | null;
}

/**
 * `bodyMs` and `layoutMs` are read only where a scheduler held images and the page's connections had room for more
 * (the caller says so with `tightFirst` and `delayableFirst`): then the first held image on the wire shows when the
 * body or layout released it. `responseMs` is not read from one run: calibration.ts fits it to a CPU-bound page; nor is
 * `responseLatencyMs`, which DevTools' per-request timing shows (scripts/probe-scheduling.ts).
 */
export function clientTimingPhases(result: RunResult, reading: PhaseReading = {}): PagePhases[] {
  const connections = new Map(result.connections.map((c) => [c.id, c]));
  return result.pages.map((page) => ({ ...pagePhases(page, connections, reading), responseMs: null, responseLatencyMs: null }));
}

function pagePhases(
  page: PageResult,
  connections: ReadonlyMap<ConnectionRecord['id'], ConnectionRecord>,
  reading: PhaseReading,
): Omit<PagePhases, 'responseMs' | 'responseLatencyMs'> {
  const html = page.resources.find((r) => r.kind === 'html');
  const loadAt = page.loadMs === null ? null : page.startedAt + page.loadMs;
  // Late images are added by a script after the load event; they are not part of these phases.
  const images = page.resources.filter((r) => r.kind === 'image' && (loadAt === null || r.queuedAt <= loadAt));
  const htmlOnWire = html ? onWireAt(html, connections) : null;
  const imagesOnWire = images.map((r) => onWireAt(r, connections));
  const firstImageOnWire = min(imagesOnWire);
  const afterLayout = reading.delayableFirst == null ? null : nth(imagesOnWire, reading.delayableFirst);
  const afterBody = reading.tightFirst == null ? null : nth(imagesOnWire, reading.tightFirst);
  const lastImageDone = images.some((r) => r.doneAt === null) ? null : max(images.map((r) => r.doneAt));
  return {
    navigationMs: htmlOnWire === null ? null : htmlOnWire - page.startedAt,
    discoverMs: firstImageOnWire === null || html?.doneAt == null ? null : firstImageOnWire - html.doneAt,
    loadEventMs: loadAt === null || lastImageDone === null ? null : loadAt - lastImageDone,
    bodyMs: afterBody === null || firstImageOnWire === null ? null : afterBody - firstImageOnWire,
    layoutMs: afterLayout === null || html?.doneAt == null ? null : afterLayout - html.doneAt,
  };
}

/** The n-th (0-based) earliest known time, or null when fewer are known. */
function nth(xs: (number | null)[], n: number): number | null {
  const known = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return known[n] ?? null;
}

/** When a resource's request first touched the wire: its connection's opening, or its sending on a reused one. */
function onWireAt(resource: ResourceResult, connections: ReadonlyMap<ConnectionRecord['id'], ConnectionRecord>): number | null {
  const conn = resource.connection === null ? undefined : connections.get(resource.connection);
  if (!conn) return null;
  const request = conn.requests.filter((q) => q.url === resource.url).at(-1);
  if (!request) return null;
  return conn.requests[0] === request ? conn.openedAt : request.sentAt;
}

/** The median of each phase over many page loads (null where no load showed it). */
export function medianPhases(all: readonly PagePhases[]): PagePhases {
  const of = (key: keyof ClientTiming): number | null => {
    const known = all.map((p) => p[key]).filter((x): x is number => x !== null);
    return known.length === 0 ? null : median(known);
  };
  return Object.fromEntries(CLIENT_TIMING_NAMES.map((name) => [name, of(name)])) as PagePhases;
}

/** The earliest of the known times (an image that never reached the wire does not hide the others). */
function min(xs: (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length === 0 ? null : Math.min(...known);
}

/** The latest time, or null when one is unknown (the load waited for it). */
function max(xs: (number | null)[]): number | null {
  return xs.length === 0 || xs.some((x) => x === null) ? null : Math.max(...(xs as number[]));
}
