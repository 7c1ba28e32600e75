/**
 * A scenario after loading: every profile resolved, every default applied. What worlds run.
 * The file format (YAML) and its validation live in `schema.ts` and `load.ts`.
 */
import type { BrowserProfile } from '../profiles/browser-profile.ts';
import type { NetworkProfile } from '../profiles/network-profile.ts';
import type { ServerProfile } from '../profiles/server-profile.ts';
import type { SiteSpec } from '../page/site.ts';
import type { ProxyPolicy } from '../proxy/proxy-policy.ts';

export type Step =
  /** Load a page of a site and wait for its load event (and its late images). */
  | { kind: 'load'; site: string; path: string }
  /** Do nothing for a while: idle timers run. */
  | { kind: 'idle'; ms: number };

/** The faults a server injects (fixture site) or models (simulation); fixtures-site/faults.ts says what each does. */
export const FAULT_KINDS = ['reset-mid-body', 'truncated-chunked', 'short-body', 'stall', 'close-idle-race', 'slow-headers'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault the server injects (fixture site) or models (simulation). */
export interface FaultSpec {
  kind: FaultKind;
  /** Which requests: a path (exact, or a prefix ending in `*`); all when absent. */
  path?: string;
  /** Only the Nth request on a connection (1-based); all when absent. */
  nthOnConnection?: number;
  /** How long, for `stall`, `slow-headers` and `close-idle-race`. */
  ms?: number;
}

/** Many users instead of one browser (emulator/sim/population.ts): they arrive, load the steps, and leave. */
export interface Population {
  /** How many users arrive in all. */
  count: number;
  /** Their mean arrival rate: arrivals are a Poisson process (exponential gaps), drawn from `seed`. */
  arrivalPerSecond: number;
  /** The browsers users come with, each with its share (shares need not add up to 1). */
  browsers: readonly { browser: BrowserProfile; share: number }[];
  /** A user's reading time between two page loads, ms. */
  readMs: number;
  seed: number;
}

export interface Scenario {
  name: string;
  /** The file it came from, for messages. */
  file: string;
  description?: string;
  /** Named sites; a scenario's `site:` is the site named `main`. Keys are site names, not host names. */
  sites: Record<string, SiteSpec>;
  server: ServerProfile;
  networks: NetworkProfile[];
  browsers: BrowserProfile[];
  steps: Step[];
  /**
   * Route every connection through one forward proxy with this policy towards the origins (the browser's per-proxy
   * cap applies to its side); null: straight to the servers.
   */
  proxy: ProxyPolicy | null;
  faults: FaultSpec[];
  /** A population of users in place of one browser at a time; `browsers` then lists theirs. */
  users?: Population;
}
