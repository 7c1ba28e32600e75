/**
 * The scenario FILE format, as zod schemas: what a user may write, not what a world runs (that is `types.ts`).
 * Profiles stay names here and defaults stay unapplied, so `resolve.ts` can say which name was unknown and where.
 * The same schemas publish docs/scenario.schema.json (`npm run schema`), so editors and this loader never disagree.
 *
 * Every object is strict: an unknown key is a typo until proven otherwise. Number rules carry their own messages
 * ("expected a whole number ≥ 1, got …"); other messages come from `issues.ts`.
 */
import type { ClientTiming } from '../profiles/client-timing.ts';
import { z } from 'zod';
import type { BrowserKnobs, HeartbeatPolicy, RequestPacing, TcpKeepAlive } from '../profiles/browser-profile.ts';
import type { NetworkKnobs } from '../profiles/network-profile.ts';
import type { ServerKnobs } from '../profiles/server-profile.ts';
import { LIMITS, showLimit } from './limits.ts';
import { FAULT_KINDS, type FaultSpec } from './types.ts';
import { RESOURCE_TYPES } from '../page/site.ts';

/** How a value looks in a message: strings quoted, so `"six"` reads as the text the user typed. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // A long text is shown by its start: an error message is no place for a megabyte the user pasted.
  if (typeof value === 'string') return value.length > 80 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
  return String(value);
}

/** "expected X, got Y"; a key that is absent says so, since "got nothing" reads as an empty value. */
export const expecting = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `missing: expected ${expected}` : `expected ${expected}, got ${show(iss.input)}`;

/** A count from `min` to `max`; the bound (limits.ts) is in the message and in the JSON Schema. */
function count(min: number, max: number, description?: string, unit: '' | 'bytes' = '') {
  const error = expecting(`a whole number from ${min} to ${showLimit(max, unit)}`);
  const schema = z.int({ error }).min(min, { error }).max(max, { error });
  return description ? schema.describe(description) : schema;
}

/** A time in ms from 0 to `max` (fractions allowed). */
function duration(max: number, description?: string) {
  const error = expecting(`a time in ms from 0 to ${showLimit(max, 'ms')}`);
  const schema = z.number({ error }).min(0, { error }).max(max, { error });
  return description ? schema.describe(description) : schema;
}

/** A number from `min` to `max`, fractions allowed (28.8 kbit/s); `what` names it in the message. */
function between(min: number, max: number, description: string, what = 'a number') {
  const error = expecting(`${what} from ${min} to ${max}`);
  return z.number({ error }).min(min, { error }).max(max, { error }).describe(description);
}

const kbps = (description: string) => between(LIMITS.minKbps, LIMITS.maxKbps, description, 'kbit/s');

/**
 * A knob of a profile that a scenario may not change, because a world would not honour the change (see
 * docs/SCENARIOS.md): any value is refused with the reason. The shipped profiles' figures still apply.
 */
function fixedKnob(why: string) {
  return z
    .never({ error: (iss) => (iss.input === undefined ? undefined : `cannot be changed in a scenario: ${why}`) })
    .optional()
    .describe(`not settable in a scenario: ${why}`);
}

/** A list of at most `max` entries. */
function listOf<T extends z.ZodType>(item: T, max: number, what: string) {
  return z
    .array(item)
    .min(1, { error: `expected at least one ${what}` })
    .max(max, { error: `expected at most ${max} ${what}s` });
}

/** YAML reads `1.0` as the number 1, so a version may be written bare or quoted; resolve.ts normalises it. */
const httpVersion = z
  .union([z.enum(['1.0', '1.1']), z.literal(1), z.literal(1.1)], { error: expecting('HTTP version "1.0" or "1.1"') })
  .describe('HTTP version: "1.0" or "1.1" (quoted or not)');

export const PROFILE_NAME = z.string().min(1).describe('a profile name');

const SITE_NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: expecting('a site name of letters, digits, "-" and "_"') });

// Sizes --------------------------------------------------------------------------------------------------------------

const bytes = count(0, LIMITS.imageBytes, undefined, 'bytes');
const medianError = expecting(`a number > 0 and at most ${showLimit(LIMITS.imageBytes, 'bytes')}`);

const drawnSizes = z
  .strictObject({
    distribution: z.literal('lognormal'),
    medianBytes: z
      .number({ error: medianError })
      .positive({ error: medianError })
      .max(LIMITS.imageBytes, { error: medianError })
      .describe('median image size, bytes'),
    sigma: between(0, LIMITS.sigma, 'spread of ln(size); 1 keeps most sizes within a factor e of the median'),
    minBytes: count(0, LIMITS.imageBytes, 'smallest size drawn', 'bytes'),
    maxBytes: count(1, LIMITS.imageBytes, 'largest size drawn', 'bytes'),
    seed: z.int({ error: expecting('a whole number (the seed)') }).describe('seed: the same seed draws the same sizes'),
  })
  .describe('image sizes drawn from a seeded log-normal distribution');

export const imageBytesSchema = z
  .union([bytes, listOf(bytes, LIMITS.sizesListLength, 'size'), drawnSizes], {
    error: expecting('a size in bytes, a list of sizes, or { distribution: lognormal, medianBytes, sigma, minBytes, maxBytes, seed }'),
  })
  .meta({ id: 'ImageBytes', description: 'image size in bytes: one for all, a list used in order (repeating), or a seeded distribution' });

// Sites --------------------------------------------------------------------------------------------------------------

const siteFields = {
  preset: z.literal('microscape').optional().describe('start from a preset site; other fields override it'),
  domain: z
    .string()
    // Labels of at most 63 characters, names of at most 253 (RFC 1035): longer ones no resolver or browser takes.
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+localhost$/, {
      error: expecting(
        'a lower-case host name ending in ".localhost" (browsers resolve those to loopback and nothing else may be reached), labels of at most 63 characters, 253 in all',
      ),
    })
    .optional()
    .describe('page host; defaults to <scenario or site name>.localhost'),
  hosts: count(1, LIMITS.hosts, '1 serves everything from the domain; N > 1 spreads images over img1..imgN.<domain>').optional(),
  images: count(0, LIMITS.images, 'images on each page').optional(),
  imageBytes: imageBytesSchema.optional(),
  htmlBytes: count(0, LIMITS.htmlBytes, 'size of each HTML page, bytes; it must hold the image tags', 'bytes').optional(),
  lateImages: z
    .strictObject({
      count: count(0, LIMITS.lateImages, 'images a script adds after the load event'),
      afterMs: duration(LIMITS.lateAfterMs, 'how long after the load event'),
      imageBytes: imageBytesSchema.optional(),
    })
    .optional()
    .describe('images a script adds after the load event'),
  pages: count(1, LIMITS.pages, 'pages the site has: /, /page/2, … /page/N').optional(),
  // A listed site (what `keepalive-lab import` writes): one page, every resource by URL; the counts above do not apply.
  path: z
    .string({ error: expecting('a path starting with "/"') })
    .regex(/^\/[^\s#]*$/, { error: expecting('a path starting with "/", without spaces or "#"') })
    .optional()
    .describe("with resources: the page's path (default /)"),
  htmlWaitMs: duration(LIMITS.thinkMs, "with resources: the server's time to the HTML's first byte, ms (default the server's thinkMs)").optional(),
  resources: z
    .array(
      z.strictObject({
        url: z
          .string({ error: expecting('an http:// URL on a host ending in ".localhost"') })
          .describe("http://<host>.localhost/<path>: where the page asks for it (ports are the world's; any given is dropped)"),
        type: z.enum(RESOURCE_TYPES, { error: expecting(`one of ${RESOURCE_TYPES.join(', ')}`) }).describe('the tag that asks for it'),
        bytes: count(0, LIMITS.imageBytes, 'body size, bytes', 'bytes'),
        waitMs: duration(LIMITS.thinkMs, "the server's time to its first byte, ms (default the server's thinkMs)").optional(),
      }),
      { error: expecting('a list of { url, type, bytes, waitMs? }') },
    )
    .max(LIMITS.images, { error: `expected at most ${LIMITS.images} resources` })
    .optional()
    .describe('a listed page: its images, stylesheets and scripts in document order (instead of images, hosts, …)'),
};

const siteObject = z.strictObject(siteFields).meta({ id: 'Site', description: 'a site' });
export const siteSchema = z
  .union([z.literal('microscape'), siteObject], { error: expecting('"microscape" or a site mapping ({ images, imageBytes, … })') })
  .describe('a site: the preset name "microscape" or a mapping');

const siteGroupObject = z
  .strictObject({
    ...siteFields,
    // Bounded: each member is a host with its own connections; thousands is a typo, and would build thousands of sites.
    count: z
      .int({ error: expecting('a whole number from 1 to 1000') })
      .min(1, { error: expecting('a whole number from 1 to 1000') })
      .max(1000, { error: expecting('a whole number from 1 to 1000') })
      .describe('expands to N sites <name>1 … <name>N with domains <name>1.localhost …')
      .optional(),
  })
  .meta({ id: 'SiteGroup', description: 'a site, or with count a group of identical sites' });
export const siteGroupSchema = z.union([z.literal('microscape'), siteGroupObject], {
  error: expecting('"microscape" or a site mapping ({ images, imageBytes, count, … })'),
});

// Profiles -----------------------------------------------------------------------------------------------------------

const nullableNote = <T extends z.ZodType>(schema: T, what: string) => schema.nullable().describe(what);

/** Gecko's token bucket: one knob, all three numbers or `null` (profiles/browser-profile.ts `RequestPacing`). */
const PACING_SHAPE = '{ perSecond, burst, minParallelism } or null';
const pacing = nullableNote(
  z.strictObject(
    {
      perSecond: between(LIMITS.minPacingPerSecond, LIMITS.maxPacingPerSecond, 'requests a second once more than minParallelism connections are active'),
      burst: count(1, LIMITS.connections, 'requests that may go at once before pacing bites'),
      minParallelism: count(0, LIMITS.connections, 'requests are never paced while at most this many connections are active'),
    } satisfies Record<keyof RequestPacing, z.ZodType>,
    // Only the value's own type is worded here; an unknown key inside keeps the usual "did you mean" (issues.ts).
    { error: (iss) => (iss.code === 'invalid_type' ? expecting(PACING_SHAPE)(iss) : undefined) },
  ),
  "request pacing (Gecko's token bucket): { perSecond, burst, minParallelism }; null for none",
);

/** A period from 1 ms to a day: a period of 0 would repeat at the same instant for ever. */
function period(description: string) {
  const error = expecting(`a time in ms from 1 to ${showLimit(LIMITS.idleMs, 'ms')}`);
  return z.number({ error }).min(1, { error }).max(LIMITS.idleMs, { error }).describe(description);
}

/** The application heartbeat: one knob, all three fields or `null` (profiles/browser-profile.ts `HeartbeatPolicy`). */
const HEARTBEAT_SHAPE = '{ intervalMs, path, giveUpMs } or null';
const heartbeat = nullableNote(
  z.strictObject(
    {
      intervalMs: period('ms a connection sits idle (since it went idle or since the last answer) before a heartbeat is sent'),
      path: z
        .string({ error: expecting('a path starting with "/"') })
        .regex(/^\/[^\s#]*$/, { error: expecting('a path starting with "/", without spaces or "#"') })
        .describe("the path the heartbeat asks for with HEAD, on the connection's own host"),
      giveUpMs: period('ms after a heartbeat is sent without a complete answer before the client closes the connection as dead'),
    } satisfies Record<keyof HeartbeatPolicy, z.ZodType>,
    { error: (iss) => (iss.code === 'invalid_type' ? expecting(HEARTBEAT_SHAPE)(iss) : undefined) },
  ),
  'an application heartbeat on idle connections: { intervalMs, path, giveUpMs }; null for none',
);

/** TCP keepalive: one knob, all three fields or `null` (profiles/browser-profile.ts `TcpKeepAlive`). */
const TCP_KEEPALIVE_SHAPE = '{ idleMs, intervalMs, probes } or null';
const tcpKeepAlive = nullableNote(
  z.strictObject(
    {
      idleMs: period('ms without traffic before the first probe (TCP_KEEPIDLE)'),
      intervalMs: period('ms between probes (TCP_KEEPINTVL)'),
      probes: count(1, LIMITS.keepAliveProbes, 'probes without an ACK before the connection is dead (TCP_KEEPCNT)'),
    } satisfies Record<keyof TcpKeepAlive, z.ZodType>,
    { error: (iss) => (iss.code === 'invalid_type' ? expecting(TCP_KEEPALIVE_SHAPE)(iss) : undefined) },
  ),
  'TCP keepalive (SO_KEEPALIVE) on idle connections: { idleMs, intervalMs, probes }; null for off',
);

/** Every knob a scenario may override; `satisfies` keeps this list in step with BrowserKnobs. */
export const browserKnobFields = {
  httpVersion: httpVersion.optional(),
  keepAlive: z.boolean().optional().describe('ask to keep connections open'),
  maxPerHost: count(1, LIMITS.connections, 'most connections to one HTTP/1.1 server').optional(),
  maxPerHost10: count(1, LIMITS.connections, 'most connections to a server that answered HTTP/1.0').optional(),
  maxPerProxy: count(1, LIMITS.connections, 'most connections to one proxy').optional(),
  proxyPooling: z
    .enum(['per-proxy', 'per-origin'])
    .optional()
    .describe('one pool to the proxy for every origin (per-proxy), or a group per origin inside it, each capped by maxPerHost (per-origin)'),
  maxTotal: nullableNote(count(1, LIMITS.connections), 'most connections in all; null for no limit').optional(),
  atTotalCap: z.enum(['evict-lru-idle', 'evict-idle-other-host', 'wait']).optional().describe('what to do at maxTotal'),
  idleTimeoutMs: nullableNote(duration(LIMITS.idleMs), 'idle connection lifetime, ms; null keeps it forever').optional(),
  honourKeepAliveTimeout: z.boolean().optional().describe("whether the server's Keep-Alive: timeout=N shortens the idle timeout"),
  reuseOrder: z.enum(['mru', 'lru']).optional().describe('which idle connection is reused first'),
  pipelineDepth: count(1, LIMITS.pipelineDepth, 'requests in flight on one connection; 1 = no pipelining').optional(),
  staleRetries: count(0, LIMITS.staleRetries, 'resends after a reused connection turns out closed').optional(),
  pacing: pacing.optional(),
  scheduler: z
    .enum(['none', 'chromium'])
    .optional()
    .describe("the request scheduler between the page and the connection pools: 'none', or Chromium's ResourceScheduler"),
  schedulerMaxDelayable: count(1, LIMITS.scheduler, 'most delayable requests (images before layout) in flight at once').optional(),
  schedulerMaxPerHost: count(1, LIMITS.scheduler, 'a delayable request waits while this many requests to its host are in flight').optional(),
  schedulerTightLimit: count(1, LIMITS.scheduler, 'images that may run at once before the parser inserts <body> (Blink tight mode)').optional(),
  htmlDiscovery: z.enum(['streaming', 'complete']).optional().describe("when a page's images are found: as its HTML streams in, or once the HTML is complete"),
  synRetransmitMs: duration(LIMITS.synRetransmitMs, 'first SYN retransmission timeout, ms (doubled on each retry)').optional(),
  synRetries: count(0, LIMITS.synRetries, 'SYN retransmissions before a connect fails').optional(),
  scriptsBlockDiscovery: z.boolean().optional().describe('whether a <script src> stops the finding of what follows it until the script has arrived'),
  heartbeat: heartbeat.optional(),
  tcpKeepAlive: tcpKeepAlive.optional(),
} satisfies Record<keyof BrowserKnobs, z.ZodType>;

/** The browser's own processing time (profiles/client-timing.ts): `none`, or figures that replace the base's. */
const clientTimingField = z
  .union(
    [
      z.literal('none'),
      z.strictObject({
        navigationMs: duration(LIMITS.clientTimingMs, 'navigation start → first connection, ms').optional(),
        discoverMs: duration(LIMITS.clientTimingMs, "the HTML's last byte → its images' first request, ms").optional(),
        loadEventMs: duration(LIMITS.clientTimingMs, "the last image's last byte → the load event, ms").optional(),
        responseMs: duration(
          LIMITS.clientTimingMs,
          "a response's last byte → the browser done with it (its connection free), one response at a time, ms",
        ).optional(),
        responseLatencyMs: duration(LIMITS.clientTimingMs, 'beyond responseMs, what each response waits on its own (overlapping the others), ms').optional(),
        bodyMs: duration(LIMITS.clientTimingMs, 'the first images found → the parser inserts <body> (ends tight mode), ms').optional(),
        layoutMs: duration(LIMITS.clientTimingMs, "the HTML's last byte → layout raises its images (releases what the scheduler holds), ms").optional(),
      } satisfies Record<keyof ClientTiming, z.ZodType>),
    ],
    { error: expecting("'none' or { navigationMs?, discoverMs?, loadEventMs?, bodyMs?, layoutMs?, responseMs?, responseLatencyMs? }") },
  )
  .optional()
  .describe("the browser's own processing time per page load; 'none' for the connection policy alone");

export const inlineBrowserSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { error: expecting('a profile name of letters, digits, ".", "_", "+" and "-"') }),
    extends: PROFILE_NAME.describe('the shipped profile this one starts from'),
    title: z.string().optional(),
    clientTiming: clientTimingField,
    ...browserKnobFields,
  })
  .meta({ id: 'InlineBrowser', description: 'a browser profile derived from a shipped one' });

export const browserSchema = z.union([PROFILE_NAME, inlineBrowserSchema], {
  error: expecting('a browser profile name or { name, extends, …knobs }'),
});

const serverKnobFields = {
  httpVersion: httpVersion.optional(),
  keepAlive: z.boolean().optional(),
  idleTimeoutMs: nullableNote(duration(LIMITS.idleMs), 'idle connection lifetime, ms; null never closes').optional(),
  maxRequests: nullableNote(count(1, LIMITS.maxRequests), 'requests per connection; null for no limit').optional(),
  sendsKeepAliveHeader: z.boolean().optional(),
  thinkMs: duration(LIMITS.thinkMs, 'time from request to first response byte, ms').optional(),
  framing: z.enum(['content-length', 'chunked', 'close-delimited']).optional(),
  // The fixture site writes real heads (about 200 bytes) in the live world and for real browsers, whatever the figure.
  responseHeaderBytes: fixedKnob(
    "the live world and real browsers get the fixture site's real response heads, which it does not pad or trim, so only the simulation would see a change; the profile's figure (150–250 bytes) stands for them",
  ),
  workers: nullableNote(
    count(1, LIMITS.workers, 'connections served at once'),
    'connections the server serves at once (MaxClients, worker_connections); null for no limit. The simulation and the live world (real browsers skip it)',
  ).optional(),
  firstRequestTimeoutMs: nullableNote(
    duration(LIMITS.idleMs),
    "how long a new connection may wait for its first request, ms (Apache's Timeout, nginx's client_header_timeout); null waits for ever",
  ).optional(),
  listenBacklog: count(0, LIMITS.listenBacklog, 'connections queued while every worker is taken (ListenBacklog)').optional(),
  reclaimIdle: z.boolean().optional().describe('a new connection finding every slot taken closes the longest-idle keep-alive one (nginx)'),
  deadClientMs: nullableNote(
    period('ms with no request bytes from the client before the server closes it as dead, even mid-response'),
    'a server that expects to hear from its clients (heartbeats count); null never closes a client for silence',
  ).optional(),
} satisfies Record<keyof ServerKnobs, z.ZodType>;

export const serverSchema = z.union(
  [
    PROFILE_NAME,
    z
      .strictObject({ profile: PROFILE_NAME.describe('the server profile to start from'), name: z.string().min(1).optional(), ...serverKnobFields })
      .describe('a server profile with knobs overridden'),
  ],
  { error: expecting('a server profile name or { profile, …knobs }') },
);

const networkKnobFields = {
  rttMs: duration(LIMITS.rttMs, 'round-trip time, ms').optional(),
  bandwidthKbps: nullableNote(kbps('downstream kbit/s'), 'downstream kbit/s; null for unlimited').optional(),
  upBandwidthKbps: nullableNote(kbps('upstream kbit/s'), 'upstream kbit/s; null for unlimited').optional(),
  mss: count(LIMITS.minMss, LIMITS.maxMss, 'TCP payload bytes per segment').optional(),
  initialCwnd: count(1, LIMITS.initialCwnd, 'TCP initial congestion window, segments').optional(),
  dnsMs: duration(LIMITS.dnsMs, 'first lookup of a host name, ms').optional(),
  // The shaper paces payload only; loopback's real headers are not shaped.
  packetHeaderBytes: fixedKnob(
    "the live world's shaper paces payload bytes only, so only the simulation would see a change; every network profile uses 40 (IPv4 + TCP without options)",
  ),
} satisfies Record<keyof NetworkKnobs, z.ZodType>;

const networkOne = z
  .union(
    [
      PROFILE_NAME,
      z
        .strictObject({
          profile: PROFILE_NAME.optional().describe('the network profile to start from; default loopback'),
          name: z.string().min(1).optional().describe('name in results; default made from the overrides, e.g. rtt100-10000kbps'),
          ...networkKnobFields,
        })
        .describe('a network profile with knobs overridden'),
    ],
    { error: expecting('a network profile name or { profile?, …knobs }') },
  )
  .meta({ id: 'Network', description: 'a network profile name, or { profile?, name?, …knobs }' });

export const networkSchema = z.union([networkOne, listOf(networkOne, LIMITS.listLength, 'network')], {
  error: expecting('a network profile name, { profile?, …knobs }, or a list of them'),
});

// Steps and faults ---------------------------------------------------------------------------------------------------

const loadStep = z
  .strictObject({
    load: z
      .string()
      .regex(/^\//, { error: expecting('a path starting with "/"') })
      .describe('page path: / or /page/K'),
    site: SITE_NAME.optional().describe('site name (default main); a counted group loads each member in order'),
  })
  .describe('load a page and wait for its load event and late images');
const idleStep = z.strictObject({ idleMs: duration(LIMITS.idleMs, 'do nothing for this long; idle timers run') });

export interface RepeatStepFile {
  repeat: number;
  steps: StepFile[];
}
export type StepFile = z.infer<typeof loadStep> | z.infer<typeof idleStep> | RepeatStepFile;

const repeatStep: z.ZodType<RepeatStepFile> = z.strictObject({
  repeat: count(1, LIMITS.steps, 'how many times to run the steps'),
  get steps() {
    return stepsSchema;
  },
});

export const stepSchema: z.ZodType<StepFile> = z
  .union([loadStep, idleStep, repeatStep], {
    error: expecting('a step: { load: <path> }, { idleMs: <ms> } or { repeat: <n>, steps: [...] }'),
  })
  .meta({ id: 'Step', description: 'a step: load a page, idle, or repeat steps' });
export const stepsSchema: z.ZodType<StepFile[]> = listOf(stepSchema, LIMITS.steps, 'step').meta({ id: 'Steps', description: 'steps, run in order' });

export const faultSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS),
    path: z
      .string()
      .regex(/^\//, { error: expecting('a path starting with "/" (a trailing * matches a prefix)') })
      .optional(),
    nthOnConnection: count(1, LIMITS.nthOnConnection, 'only the Nth request on a connection (1-based)').optional(),
    ms: duration(LIMITS.faultMs, 'how long, for stall, slow-headers and close-idle-race').optional(),
  })
  .meta({ id: 'Fault', description: 'a fault the server injects or models' }) satisfies z.ZodType<FaultSpec>;

// Users --------------------------------------------------------------------------------------------------------------

export const usersSchema = z
  .strictObject({
    count: count(1, LIMITS.users, 'how many users arrive in all'),
    arrivalPerSecond: between(0.001, 100_000, 'mean arrivals a second (a Poisson process)'),
    browsers: z
      .record(PROFILE_NAME, between(0.000_001, 1_000_000, "this browser's share of the users", 'a share'), {
        error: expecting('a mapping of browser profile names to shares, e.g. { ie-6: 0.6, firefox-2: 0.4 }'),
      })
      .describe('browser profile name → share of the users (shares need not add up to 1)'),
    readMs: duration(LIMITS.idleMs, "a user's reading time between page loads, ms").optional(),
    seed: count(0, 2 ** 31 - 1, 'seed of the arrival and browser draws').optional(),
  })
  .meta({ id: 'Users', description: 'a population of users in place of one browser at a time (the simulation and the live world)' });

/** A forward proxy's own policy (emulator/proxy/proxy-policy.ts); each key left out takes `proxy: true`'s value. */
export const proxySchema = z
  .strictObject({
    upstream: z
      .union([z.literal('2n'), count(1, LIMITS.connections), z.null()], {
        error: expecting(`'2n', a whole number from 1 to ${LIMITS.connections}, or null`),
      })
      .optional()
      .describe("most connections the proxy keeps to one origin: '2n' (RFC 2616 §8.1.4, N its active users), a number, or null for none"),
    idleTimeoutMs: z
      .union([duration(LIMITS.idleMs), z.null()], { error: expecting(`a time in ms from 0 to ${showLimit(LIMITS.idleMs, 'ms')}, or null`) })
      .optional()
      .describe('how long the proxy keeps an idle connection, to an origin or from a browser; null: for ever'),
    keepAliveToOrigin: z
      .boolean({ error: expecting('true or false') })
      .optional()
      .describe('whether the proxy keeps its origin connections alive'),
    pipelining: count(1, LIMITS.pipelineDepth, 'requests in flight on one origin connection; 1 = no pipelining').optional(),
  })
  .meta({ id: 'Proxy', description: "a forward proxy's policy towards origins; true takes every default (docs/SCENARIOS.md)" });

// The file -----------------------------------------------------------------------------------------------------------

export const scenarioFileSchema = z
  .strictObject({
    name: z.string().min(1, { error: 'expected a non-empty name' }).describe('scenario name, used in results'),
    description: z.string().optional(),
    site: siteSchema.optional().describe('the site named main'),
    sites: z.record(SITE_NAME, siteGroupSchema).optional().describe('named sites; count: N makes N of them'),
    server: serverSchema.optional().describe('server profile; default apache-2.2'),
    network: networkSchema.optional().describe('network profile(s); one result per network; default loopback'),
    browsers: listOf(browserSchema, LIMITS.listLength, 'browser').optional().describe('browser profiles; default every shipped profile'),
    steps: stepsSchema.optional().describe('what the user does; default [{ load: / }]'),
    proxy: z
      .union([z.boolean(), proxySchema], {
        error: expecting('true, false or a mapping of proxy knobs (upstream, idleTimeoutMs, keepAliveToOrigin, pipelining)'),
      })
      .optional()
      .describe("route every connection through one forward proxy: true for RFC 2616's 2·N with Squid's timeouts, or its knobs"),
    users: usersSchema.optional().describe('many users against the server (docs/SCENARIOS.md); browsers then defines profiles they may use'),
    faults: z
      .array(faultSchema)
      .max(LIMITS.listLength, { error: `expected at most ${LIMITS.listLength} faults` })
      .optional(),
  })
  .describe('A keepalive-lab scenario: docs/SCENARIOS.md');

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type SiteFile = z.infer<typeof siteGroupSchema>;
export type BrowserFile = z.infer<typeof browserSchema>;
export type InlineBrowserFile = z.infer<typeof inlineBrowserSchema>;
export type ServerFile = z.infer<typeof serverSchema>;
export type NetworkFile = z.infer<typeof networkOne>;
