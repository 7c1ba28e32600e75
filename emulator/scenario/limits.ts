/**
 * The upper (and a few lower) bounds of the scenario format: each far past what a real scenario needs, and each where
 * a world would otherwise run out of memory, overflow a timer, hit the simulation's event limit, or quietly do
 * something other than the other worlds. The schema (schema.ts) puts the per-knob bounds into its messages and into
 * the JSON Schema editors read; resolve.ts checks the ones a schema cannot see (sums over a whole scenario).
 * docs/SCENARIOS.md lists them all with their reasons.
 */

/** A day, the bound of every timeout and pause. */
export const DAY_MS = 86_400_000;

export const LIMITS = {
  // Sites --------------------------------------------------------------------------------------------------------------
  /** Images on a page: an order of magnitude above the heaviest real pages (a few hundred); every world builds each. */
  images: 10_000,
  /** Images a script adds late: as many as a page may have. */
  lateImages: 10_000,
  /** One size per image at most: a longer list is never read to its end. */
  sizesListLength: 10_000,
  /** Bytes of one image: no inline image is 100 MB, and the fixture site holds every image in memory. */
  imageBytes: 100_000_000,
  /** Spread of drawn sizes: e^10 ≈ 22,000 is wider than any real page's spread; minBytes and maxBytes clamp anyway. */
  sigma: 10,
  /** Bytes of one page of HTML: the largest real documents are a few MB, and the fixture site holds every page in memory. */
  htmlBytes: 10_000_000,
  /** Pages of a site: every page is built up front (the fixture site serves them from memory); browsing visits a few. */
  pages: 1_000,
  /** Image hosts of a site: real sites shard over a few; more hosts than images changes nothing. */
  hosts: 1_000,
  /** When late images are added: browsers run a page's setTimeout at once above 2^31−1 ms; 10 minutes is long past any load. */
  lateAfterMs: 600_000,
  /** Sites in a scenario, counted groups expanded: each is a host with its own connections, all served at once. */
  sites: 1_000,

  // Browsers -----------------------------------------------------------------------------------------------------------
  /** Connections (per host, per proxy, in all): above every browser's setting (Firefox's network.http.max-connections is 900). */
  connections: 1_000,
  /** Users of a population: the issue's 100 000 users of a 20-image page fit in memory (aggregates only). */
  users: 100_000,
  /** Requests a population makes in all (users × a user's requests): about a minute of simulation at 100 000 a second. */
  populationRequests: 5_000_000,
  /** The first SYN retransmission timeout: RFC 6298 allows 1 s and more; a minute is past every stack. */
  synRetransmitMs: 60_000,
  /** SYN retransmissions: Linux's tcp_syn_retries takes at most 127. */
  synRetries: 127,
  /** A server's workers (MaxClients): Apache's ServerLimit is 20 000 at most; a larger figure is a typo. */
  workers: 20_000,
  /** A listen backlog: Linux caps it at net.core.somaxconn (4096 since 5.4); 65 535 is the most any kernel takes. */
  listenBacklog: 65_535,
  /** Requests in flight on one connection: libwww pipelined a whole page (42 requests); 1,000 is more than a connection ever carries at once. */
  pipelineDepth: 1_000,
  /** Resends after a stale connection: browsers retry once or twice. */
  staleRetries: 100,
  /** The request scheduler's limits (Chromium: 10, 6 and 2): above any connection limit they stop mattering. */
  scheduler: 1_000,
  /**
   * Request pacing (Gecko: 80 a second, bursts of 10, unpaced up to 6 connections): a token every 100 s is the
   * slowest, since a token's wait is a timer; 10,000 a second is no pacing at all. Burst and parallelism as connections.
   */
  minPacingPerSecond: 0.01,
  maxPacingPerSecond: 10_000,
  /** TCP keepalive probes before a connection is dead: Linux's TCP_KEEPCNT takes at most 127 (MAX_TCP_KEEPCNT). */
  keepAliveProbes: 127,
  /** A phase of the browser's own processing time: a browser busy a minute per phase is hung. */
  clientTimingMs: 60_000,

  // Timeouts and pauses -------------------------------------------------------------------------------------------------
  /**
   * Idle timeouts (browser and server) and idle steps: a day; no browser or server keeps an idle connection that long
   * (`null` keeps it for ever), and Node's timers, which the live world and the fixture site run on, overflow above
   * 2^31−1 ms (24.8 days) and fire at once.
   */
  idleMs: DAY_MS,
  /** All idle steps together, after repeats: a week keeps the live world's run deadline (ms in a Node timer) in range. */
  totalIdleMs: 7 * DAY_MS,

  // Servers ------------------------------------------------------------------------------------------------------------
  /** Requests per connection: servers count to a few thousand at most (Apache's MaxKeepAliveRequests 100, nginx's 1000). */
  maxRequests: 100_000,
  /**
   * Think time: the live world fails a request whose response has not come within 120 s (its request deadline), the
   * simulation never does; a minute leaves room for the transfer.
   */
  thinkMs: 60_000,

  // Networks -----------------------------------------------------------------------------------------------------------
  /** Round trip: a geostationary satellite hop is about 600 ms; no path a browser uses takes 10 s. */
  rttMs: 10_000,
  /** Slowest bandwidth, kbit/s: below any modem a browser ran over (the web began at 2,400 bit/s and up). */
  minKbps: 1,
  /** Fastest bandwidth, kbit/s: 100 Gbit/s, above any access link. */
  maxKbps: 100_000_000,
  /** Segment payload: Linux sends no smaller segment (tcp_min_snd_mss 48); an IPv4 packet holds 65,535 bytes less 40 of headers. */
  minMss: 48,
  maxMss: 65_495,
  /** Initial window, segments: RFC 6928 made it 10; CDNs tune to a few tens. */
  initialCwnd: 1_000,
  /** First lookup of a host name: resolvers give up within 30 s (5 s × tries). */
  dnsMs: 60_000,

  // Steps and faults ---------------------------------------------------------------------------------------------------
  /** Steps after unrolling repeats (and a repeat's count): a typo (`repeat: 100000`), not a scenario. */
  steps: 10_000,
  /**
   * How long a fault lasts: past what the live world (120 s) or a browser (about 300 s) waits for a response, so a
   * longer stall is the same as one without `ms`; Node's timers overflow above 2^31−1 ms.
   */
  faultMs: 600_000,
  /** Which request on a connection a fault hits: as many as a connection may carry. */
  nthOnConnection: 100_000,
  /** Entries of the `network`, `browsers` and `faults` lists: one run per browser per network; a scenario compares a few. */
  listLength: 100,

  // Whole runs (resolve.ts) --------------------------------------------------------------------------------------------
  /** Images of every site together (what every world builds and the fixture site serves). */
  resources: 100_000,
  /** Bytes of every page and image of every site together: the fixture site keeps them all in memory (1 GiB). */
  contentBytes: 1024 ** 3,
  /**
   * Requests one run makes (each load asks for its page and every image): the simulation's event limit is 50 million
   * events, and a request costs up to about 40 (more for large images, see `transferBytes`).
   */
  requestsPerRun: 1_000_000,
  /** Bytes one run transfers (every load's page and images): a 64 KiB window costs the simulation up to about 3 events. */
  transferBytesPerRun: 100 * 1024 ** 3,
} as const;

/** 86400000 → "86400000 (1 day)": the figure as the user would type it, with a reading of it where it helps. */
export function showLimit(value: number, unit: 'ms' | 'bytes' | '' = ''): string {
  if (unit === 'ms' && value >= 60_000) {
    const hours = value / 3_600_000;
    const reading = value % DAY_MS === 0 ? `${value / DAY_MS} day${value === DAY_MS ? '' : 's'}` : hours >= 1 ? `${hours} h` : `${value / 60_000} min`;
    return `${value} (${reading})`;
  }
  if (unit === 'bytes' && value >= 1_000_000) return `${value} (${value % 1024 ** 3 === 0 ? `${value / 1024 ** 3} GiB` : `${value / 1_000_000} MB`})`;
  return String(value);
}
