/**
 * A browser profile's knobs as Firefox ESR prefs (`user.js`), so a historical policy (IE 6's or Firefox 2's two
 * connections per server) can be played by a real browser. Only what Firefox still has a pref for is written; every
 * other knob is listed in `unplayable` with the reason, and a comparison must not credit Firefox for it.
 */
import type { BrowserKnobs, BrowserProfile, KnobName, RequestPacing } from '../profiles/browser-profile.ts';

export type PrefValue = string | number | boolean;
export type Prefs = Record<string, PrefValue>;

/** Gecko clamps these prefs to 16 bits (nsHttpHandler::PrefsChanged: `std::clamp(val, 1, 0xffff)`). */
const GECKO_MAX_U16 = 0xffff;
/** Gecko clamps the per-server and per-proxy caps to 255 (nsHttpHandler::PrefsChanged). */
const GECKO_MAX_U8 = 0xff;

export interface KnobMapping {
  knob: KnobName;
  /** The prefs written for this knob; empty when none exists. */
  prefs: Prefs;
  /** Why the knob has no pref, or how the value was changed to fit one. */
  note?: string;
}

export interface FirefoxPlan {
  /** Knob prefs plus `QUIET_PREFS`: the whole user.js. */
  prefs: Prefs;
  mapped: KnobMapping[];
  /** Knobs Firefox has no pref for: Firefox plays its own behaviour there, not the profile's. */
  unplayable: { knob: KnobName; why: string }[];
}

/**
 * Knobs with no pref in Firefox ESR 153, and why. Firefox's own behaviour applies instead. Checked against the prefs
 * ESR 153 knows (read: `greprefs.js` in /usr/lib/firefox-esr/omni.ja and the static pref names in libxul.so): there is
 * no `network.http.keep-alive`, `network.http.max-connections-per-server` or `network.http.pipelining*` any more.
 */
export const KNOBS_WITHOUT_PREF: Readonly<Partial<Record<KnobName, string>>> = {
  keepAlive:
    'network.http.keep-alive was removed from Gecko; Firefox always asks for persistent connections ' +
    '(HTTP/1.0 requests carry Connection: keep-alive, measured)',
  maxPerHost10:
    'network.http.max-connections-per-server (non-persistent connections) was removed; Firefox applies the ' +
    'persistent per-server cap to HTTP/1.0 servers too',
  proxyPooling: 'no pref: Gecko keeps one pool per proxy for every origin, capped by max-persistent-connections-per-proxy (measured)',
  atTotalCap: 'no pref: at network.http.max-connections Gecko closes idle connections itself (nsHttpConnectionMgr)',
  honourKeepAliveTimeout: 'no pref: Gecko reads the Keep-Alive: timeout= header itself',
  reuseOrder: 'no pref: LRU or MRU choice of an idle connection is fixed in nsHttpConnectionMgr',
  pipelineDepth: 'HTTP/1.1 pipelining (network.http.pipelining*) was removed from Firefox around version 54',
  scheduler: "no pref: Gecko has no scheduler like Chromium's ResourceScheduler; its images go to the connection manager as found",
  schedulerMaxDelayable: 'no pref (as scheduler)',
  schedulerMaxPerHost: 'no pref (as scheduler)',
  schedulerTightLimit: 'no pref (as scheduler)',
  htmlDiscovery: 'no pref: Gecko always finds images as the HTML streams in (the HTML5 parser and its speculative loads)',
  scriptsBlockDiscovery: "no pref: Gecko's speculative parser keeps finding resources while a script downloads",
  synRetransmitMs: "no pref: SYN retransmission is the operating system's (Linux here: 1 s, doubled)",
  synRetries: "no pref: the operating system's (Linux net.ipv4.tcp_syn_retries)",
  heartbeat: 'no pref: no browser sends heartbeats of its own on idle connections (a page script would; the emulator cannot make Firefox)',
};

/**
 * Prefs that keep a fresh profile quiet and on loopback: no updates, telemetry, captive-portal or connectivity
 * checks, remote settings, safe browsing, DoH, speculative connections or prefetching. Speculative connections are
 * off also because the emulator never preconnects: a preconnected socket would be counted as the page's.
 */
export const QUIET_PREFS: Readonly<Prefs> = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.page': 0,
  'browser.startup.homepage': 'about:blank',
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.newtabpage.enabled': false,
  'browser.aboutwelcome.enabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.search.update': false,
  'browser.sessionstore.resume_from_crash': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.contentblocking.report.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'toolkit.startup.max_resumed_crashes': -1,
  'extensions.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'geo.provider.network.url': '',
  'media.gmp-manager.url': '',
  'media.gmp-gmpopenh264.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
  'network.http.http3.enable': false,
  'network.proxy.type': 0,
  // Remote settings would fetch blocklists and more from Mozilla: point it at a closed loopback port.
  'services.settings.server': 'http://127.0.0.1:9/',
  // No cache: each run must reach the server, as the emulator's first visit does.
  'browser.cache.disk.enable': false,
  'browser.cache.memory.enable': false,
};

function mapKnob(knob: KnobName, k: BrowserKnobs): KnobMapping {
  switch (knob) {
    case 'httpVersion':
      return { knob, prefs: { 'network.http.version': k.httpVersion } };
    case 'maxPerHost':
      return clamped(knob, 'network.http.max-persistent-connections-per-server', k.maxPerHost, GECKO_MAX_U8);
    case 'maxPerProxy':
      return clamped(knob, 'network.http.max-persistent-connections-per-proxy', k.maxPerProxy, GECKO_MAX_U8);
    case 'maxTotal':
      if (k.maxTotal === null) {
        return {
          knob,
          prefs: { 'network.http.max-connections': GECKO_MAX_U16 },
          note: `no limit: written as ${GECKO_MAX_U16}, the largest value Gecko accepts`,
        };
      }
      return clamped(knob, 'network.http.max-connections', k.maxTotal, GECKO_MAX_U16);
    case 'idleTimeoutMs': {
      if (k.idleTimeoutMs === null) {
        return {
          knob,
          prefs: { 'network.http.keep-alive.timeout': GECKO_MAX_U16 },
          note: `no timeout: written as ${GECKO_MAX_U16} s (about 18 h), the largest value Gecko accepts`,
        };
      }
      // The pref is whole seconds; round up so a connection is never closed earlier than the profile says.
      const seconds = Math.max(1, Math.ceil(k.idleTimeoutMs / 1000));
      const note = seconds * 1000 === k.idleTimeoutMs ? undefined : `${k.idleTimeoutMs} ms rounded up to ${seconds} s`;
      return { knob, prefs: { 'network.http.keep-alive.timeout': Math.min(seconds, GECKO_MAX_U16) }, ...(note ? { note } : {}) };
    }
    case 'staleRetries':
      // nsHttpTransaction::Restart gives up once its restart count reaches this pref (recalled); it counts every
      // kind of restart, not only those after a stale reused connection, so it is an upper bound.
      return {
        knob,
        prefs: { 'network.http.request.max-attempts': Math.min(k.staleRetries + 1, GECKO_MAX_U8) },
        note: 'attempts = retries + 1; Gecko counts every restart reason against it (recalled)',
      };
    case 'pacing':
      if (k.pacing !== null) return pacingPrefs(k.pacing);
      // No pacing: off where there is no total cap (measured: it only slowed Firefox, 301 hosts 4.0 s → 0.53 s).
      // Under a cap Firefox keeps it, as shipped (GECKO_PACING): without it ESR does not hold to max-connections
      // (measured: 288 open against 24), so Firefox plays such a profile with Gecko's pacing, and `firefoxAsPlayed`
      // says so.
      if (k.maxTotal === null) return { knob, prefs: { 'network.http.pacing.requests.enabled': false } };
      return { knob, prefs: {}, note: PACING_KEPT };
    case 'tcpKeepAlive': {
      // ESR 153's greprefs.js (read): network.tcp.keepalive.* (on, 600 s idle, 1 s between 4 probes), and for HTTP
      // the idle time of network.http.tcp_keepalive.{short,long}_lived_idle_time (10 s for a connection's first 60 s,
      // then 600 s), which replace the general one: all set to the profile's.
      if (k.tcpKeepAlive === null) return { knob, prefs: { 'network.tcp.keepalive.enabled': false } };
      const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
      const idle = seconds(k.tcpKeepAlive.idleMs);
      return {
        knob,
        prefs: {
          'network.tcp.keepalive.enabled': true,
          'network.tcp.keepalive.idle_time': idle,
          'network.tcp.keepalive.retry_interval': seconds(k.tcpKeepAlive.intervalMs),
          'network.tcp.keepalive.probe_count': k.tcpKeepAlive.probes,
          'network.http.tcp_keepalive.short_lived_idle_time': idle,
          'network.http.tcp_keepalive.long_lived_idle_time': idle,
        },
        note: 'whole seconds, at least 1',
      };
    }
    default:
      return { knob, prefs: {}, note: KNOBS_WITHOUT_PREF[knob] ?? 'no pref' };
  }
}

function clamped(knob: KnobName, pref: string, value: number, max: number): KnobMapping {
  const v = Math.min(Math.max(1, value), max);
  return { knob, prefs: { [pref]: v }, ...(v === value ? {} : { note: `${value} clamped to ${v}, Gecko's range` }) };
}

/** A profile's pacing as Gecko's prefs: the rate in whole hertz (at least 1), the burst in Gecko's 1–65535. */
function pacingPrefs(pacing: RequestPacing): KnobMapping {
  const burst = clamped('pacing', 'network.http.pacing.requests.burst', pacing.burst, GECKO_MAX_U16);
  return {
    ...burst,
    prefs: {
      'network.http.pacing.requests.enabled': true,
      'network.http.pacing.requests.hz': Math.max(1, Math.round(pacing.perSecond)),
      ...burst.prefs,
      'network.http.pacing.requests.min-parallelism': Math.min(pacing.minParallelism, GECKO_MAX_U16),
    },
  };
}

/** Gecko's request pacing as shipped (mozilla modules/libpref/init/all.js, read: network.http.pacing.requests.*). */
export const GECKO_PACING: Readonly<RequestPacing> = { perSecond: 80, burst: 10, minParallelism: 6 };
const GECKO_PACING_SOURCE =
  'Firefox ESR plays this profile with its own request pacing (mozilla all.js, read: 80 a second, bursts of 10, from 6 ' +
  'active connections): under a total cap it keeps ESR within max-connections (measured, docs/FIDELITY.md)';
const PACING_KEPT =
  "Firefox keeps Gecko's request pacing under a total cap (without it ESR held 288 connections open against a cap of " +
  '24, measured); it plays this profile paced at 80 a second';

/**
 * The profile as Firefox ESR plays it: its knobs, except where Firefox must keep behaviour of its own that the
 * profile lacks (request pacing under a total cap). The emulator predicts Firefox with this.
 */
export function firefoxAsPlayed(profile: BrowserProfile): BrowserProfile {
  const streamed = streamsHtml(profile);
  const k = streamed.knobs;
  if (k.pacing !== null || k.maxTotal === null) return streamed;
  const sources = { ...streamed.sources, pacing: GECKO_PACING_SOURCE };
  return { ...streamed, knobs: { ...k, pacing: GECKO_PACING }, sources };
}

/**
 * Firefox finds a page's images as its HTML streams in, and past a script that is still downloading, whatever the
 * profile says: it has no way to wait.
 */
function streamsHtml(profile: BrowserProfile): BrowserProfile {
  const { htmlDiscovery, scriptsBlockDiscovery } = profile.knobs;
  if (htmlDiscovery === 'streaming' && !scriptsBlockDiscovery) return profile;
  const played = {
    ...profile,
    knobs: { ...profile.knobs, htmlDiscovery: 'streaming' as const, scriptsBlockDiscovery: false },
    sources: { ...profile.sources },
  };
  if (htmlDiscovery !== 'streaming') played.sources.htmlDiscovery = `Firefox ESR plays this profile streaming: ${KNOBS_WITHOUT_PREF.htmlDiscovery}`;
  if (scriptsBlockDiscovery)
    played.sources.scriptsBlockDiscovery = `Firefox ESR plays this profile without blocking: ${KNOBS_WITHOUT_PREF.scriptsBlockDiscovery}`;
  return played;
}

/** Which prefs play these knobs, and which knobs Firefox cannot play. */
export function firefoxPlan(knobs: BrowserKnobs): FirefoxPlan {
  const mapped = (Object.keys(knobs) as KnobName[]).map((knob) => mapKnob(knob, knobs));
  const prefs: Prefs = { ...QUIET_PREFS };
  for (const m of mapped) Object.assign(prefs, m.prefs);
  const unplayable = mapped.filter((m) => Object.keys(m.prefs).length === 0).map((m) => ({ knob: m.knob, why: m.note ?? 'no pref' }));
  return { prefs, mapped, unplayable };
}

/**
 * Knobs whose value Firefox cannot play and whose value differs from what Firefox does by itself, so a run would
 * not test the profile there. (Firefox keeps connections alive, never pipelines, and has no 1.0-server cap.)
 */
export function firefoxCannotPlay(knobs: BrowserKnobs): { knob: KnobName; why: string }[] {
  const out: { knob: KnobName; why: string }[] = [];
  if (!knobs.keepAlive) out.push({ knob: 'keepAlive', why: KNOBS_WITHOUT_PREF.keepAlive! });
  if (knobs.pipelineDepth > 1) out.push({ knob: 'pipelineDepth', why: KNOBS_WITHOUT_PREF.pipelineDepth! });
  if (knobs.scheduler !== 'none') out.push({ knob: 'scheduler', why: KNOBS_WITHOUT_PREF.scheduler! });
  if (knobs.heartbeat !== null) out.push({ knob: 'heartbeat', why: KNOBS_WITHOUT_PREF.heartbeat! });
  return out;
}

/**
 * Firefox through the scenario's forward proxy on loopback (in place of QUIET_PREFS' `network.proxy.type` 0):
 * - `network.proxy.type` 1: manual proxy configuration (0 is direct; mozilla modules/libpref/init/all.js, read);
 * - `network.proxy.http` / `network.proxy.http_port`: the HTTP proxy's host and port, to which Firefox writes its
 *   requests in absolute form;
 * - `network.proxy.allow_hijacking_localhost` true: Gecko never proxies `localhost` names or loopback addresses unless
 *   this is set (its own tests set it to proxy localhost channels: netwerk/test/unit_ipc/test_is_proxy_used.js, read),
 *   and every fixture host is a `*.localhost` name;
 * - `network.proxy.no_proxies_on` '': no host bypasses the proxy (the default lists none but is emptied to be sure).
 * Measured: the proxy's tracker sees every connection of the load (test/browsers/proxy.spec.ts).
 */
export function firefoxProxyPrefs(proxyPort: number): Prefs {
  return {
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': proxyPort,
    'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.no_proxies_on': '',
  };
}

/** The prefs as `user.js` lines, sorted so a diff between two profiles reads easily. */
export function userJs(prefs: Prefs): string {
  return (
    Object.keys(prefs)
      .sort()
      .map((name) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(prefs[name])});`)
      .join('\n') + '\n'
  );
}
