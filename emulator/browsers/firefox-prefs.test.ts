import { describe, expect, it } from 'vitest';
import { BROWSER_PROFILES, browserProfile } from '../profiles/browsers.ts';
import { KNOB_NAMES } from '../profiles/browser-profile.ts';
import { firefoxAsPlayed, firefoxCannotPlay, firefoxPlan, firefoxProxyPrefs, GECKO_PACING, QUIET_PREFS, userJs } from './firefox-prefs.ts';

describe('firefoxPlan', () => {
  it("writes Firefox 2's caps and keep-alive timeout as the Gecko 1.8 prefs", () => {
    const { prefs } = firefoxPlan(browserProfile('firefox-2').knobs);
    expect(prefs).toMatchObject({
      'network.http.version': '1.1',
      'network.http.max-persistent-connections-per-server': 2,
      'network.http.max-persistent-connections-per-proxy': 4,
      'network.http.max-connections': 24,
      // 300 000 ms → 300 s: the pref is in whole seconds.
      'network.http.keep-alive.timeout': 300,
      // staleRetries 1 → 2 attempts.
      'network.http.request.max-attempts': 2,
    });
  });

  it("writes IE 6's 2 per server and its missing total cap as Gecko's largest value", () => {
    const plan = firefoxPlan(browserProfile('ie-6').knobs);
    expect(plan.prefs['network.http.max-persistent-connections-per-server']).toBe(2);
    expect(plan.prefs['network.http.max-connections']).toBe(65535);
    // No pacing and no cap: Gecko's request pacing off (it would only slow Firefox down, docs/FIDELITY.md).
    expect(plan.prefs['network.http.pacing.requests.enabled']).toBe(false);
    expect(plan.mapped.find((m) => m.knob === 'maxTotal')?.note).toMatch(/no limit/);
  });

  it('plays HTTP/1.0 through network.http.version and a missing idle timeout as the longest Gecko allows', () => {
    const { prefs } = firefoxPlan(browserProfile('netscape-4').knobs);
    expect(prefs['network.http.version']).toBe('1.0');
    expect(prefs['network.http.keep-alive.timeout']).toBe(65535);
  });

  it('rounds a sub-second idle timeout up to whole seconds and says so', () => {
    const plan = firefoxPlan({ ...browserProfile('chromium').knobs, idleTimeoutMs: 1_500 });
    expect(plan.prefs['network.http.keep-alive.timeout']).toBe(2);
    expect(plan.mapped.find((m) => m.knob === 'idleTimeoutMs')?.note).toBe('1500 ms rounded up to 2 s');
  });

  it('clamps per-server caps to the 1–255 Gecko accepts', () => {
    const { prefs } = firefoxPlan({ ...browserProfile('chromium').knobs, maxPerHost: 1000 });
    expect(prefs['network.http.max-persistent-connections-per-server']).toBe(255);
  });

  it('names every knob without a pref, with a reason, and maps every other knob', () => {
    const plan = firefoxPlan(browserProfile('chromium').knobs);
    expect(plan.unplayable.map((u) => u.knob).sort()).toEqual(
      // No pacing under a total cap: Firefox keeps its own (see below). No pref to wait for the whole HTML either:
      // Gecko always streams (htmlDiscovery), past scripts too. Nor a request scheduler: Gecko has none like Chromium's.
      [
        'atTotalCap',
        'heartbeat',
        'honourKeepAliveTimeout',
        'htmlDiscovery',
        'keepAlive',
        'maxPerHost10',
        'pacing',
        'pipelineDepth',
        'proxyPooling',
        'reuseOrder',
        'scheduler',
        'schedulerMaxDelayable',
        'schedulerMaxPerHost',
        'schedulerTightLimit',
        'scriptsBlockDiscovery',
        'synRetransmitMs',
        'synRetries',
      ].sort(),
    );
    for (const u of plan.unplayable) expect(u.why.length).toBeGreaterThan(20);
    expect(plan.mapped.map((m) => m.knob).sort()).toEqual([...KNOB_NAMES].sort());
  });

  it("writes a profile's TCP keepalive as Gecko's, in whole seconds, and turns it off for a profile without", () => {
    // Chromium's 45 s / 45 s / 9: the general idle time and HTTP's two (short- and long-lived connections) alike.
    expect(firefoxPlan(browserProfile('chromium').knobs).prefs).toMatchObject({
      'network.tcp.keepalive.enabled': true,
      'network.tcp.keepalive.idle_time': 45,
      'network.tcp.keepalive.retry_interval': 45,
      'network.tcp.keepalive.probe_count': 9,
      'network.http.tcp_keepalive.short_lived_idle_time': 45,
      'network.http.tcp_keepalive.long_lived_idle_time': 45,
    });
    // 1 500 ms rounds up to 2 s; 200 ms to the 1 s Gecko's prefs can say at least.
    const fast = firefoxPlan({ ...browserProfile('firefox-3').knobs, tcpKeepAlive: { idleMs: 1_500, intervalMs: 200, probes: 3 } }).prefs;
    expect(fast).toMatchObject({ 'network.tcp.keepalive.idle_time': 2, 'network.tcp.keepalive.retry_interval': 1, 'network.tcp.keepalive.probe_count': 3 });
    expect(firefoxPlan(browserProfile('firefox-3').knobs).prefs['network.tcp.keepalive.enabled']).toBe(false);
  });

  it("writes a profile's request pacing as Gecko's pacing prefs", () => {
    const { prefs } = firefoxPlan({ ...browserProfile('firefox-3').knobs, pacing: { perSecond: 40, burst: 4, minParallelism: 2 } });
    expect(prefs).toMatchObject({
      'network.http.pacing.requests.enabled': true,
      'network.http.pacing.requests.hz': 40,
      'network.http.pacing.requests.burst': 4,
      'network.http.pacing.requests.min-parallelism': 2,
    });
  });

  it("plays a capped profile without pacing with Gecko's own pacing, and says the emulator must predict that", () => {
    const firefox2 = browserProfile('firefox-2');
    expect(firefoxPlan(firefox2.knobs).prefs['network.http.pacing.requests.enabled']).toBeUndefined();
    expect(firefoxPlan(firefox2.knobs).unplayable.find((u) => u.knob === 'pacing')?.why).toMatch(/288 connections open against a cap of 24/);
    const played = firefoxAsPlayed(firefox2);
    expect(played.knobs).toEqual({ ...firefox2.knobs, pacing: GECKO_PACING, scriptsBlockDiscovery: false });
    expect(played.sources.pacing).toMatch(/Firefox ESR plays this profile with its own request pacing/);
    // With no cap Firefox turns pacing off and plays the profile as it is.
    expect(firefoxAsPlayed(browserProfile('ie-8'))).toBe(browserProfile('ie-8'));
  });

  it('plays a profile that waits for the whole HTML streaming, and says the emulator must predict that', () => {
    // rfc-2616 waits for the complete HTML; Gecko has no pref for that, so Firefox finds the images as they stream.
    const played = firefoxAsPlayed(browserProfile('rfc-2616'));
    expect(played.knobs).toEqual({ ...browserProfile('rfc-2616').knobs, htmlDiscovery: 'streaming' });
    expect(played.sources.htmlDiscovery).toMatch(/^Firefox ESR plays this profile streaming/);
  });

  it('plays a profile whose scripts block discovery without blocking, and says the emulator must predict that', () => {
    // IE 6 finds nothing past a downloading script; Gecko's speculative parser looks ahead and has no pref to stop.
    const played = firefoxAsPlayed(browserProfile('ie-6'));
    expect(played.knobs).toEqual({ ...browserProfile('ie-6').knobs, scriptsBlockDiscovery: false });
    expect(played.sources.scriptsBlockDiscovery).toMatch(/^Firefox ESR plays this profile without blocking/);
    expect(played.sources.htmlDiscovery).toBe(browserProfile('ie-6').sources.htmlDiscovery);
  });

  it('keeps the quiet prefs under the knob prefs', () => {
    const { prefs } = firefoxPlan(browserProfile('firefox-3').knobs);
    for (const [name, value] of Object.entries(QUIET_PREFS)) expect(prefs[name]).toBe(value);
  });
});

describe('firefoxCannotPlay', () => {
  it('flags pipelining and non-persistent clients, which Firefox cannot be made into', () => {
    expect(firefoxCannotPlay(browserProfile('firefox-3-pipelining').knobs).map((u) => u.knob)).toEqual(['pipelineDepth']);
    expect(firefoxCannotPlay(browserProfile('http-1.0').knobs).map((u) => u.knob)).toEqual(['keepAlive']);
    const playable = BROWSER_PROFILES.filter((p) => firefoxCannotPlay(p.knobs).length === 0).map((p) => p.name);
    expect(playable).toEqual(expect.arrayContaining(['ie-6', 'firefox-2', 'firefox-3', 'netscape-4']));
  });

  it("flags Chromium's request scheduler, which Gecko has no equivalent of", () => {
    expect(firefoxCannotPlay(browserProfile('chromium').knobs).map((u) => u.knob)).toEqual(['scheduler']);
    expect(firefoxCannotPlay({ ...browserProfile('chromium').knobs, scheduler: 'none' })).toEqual([]);
  });

  it('flags a heartbeat, which no browser sends of its own', () => {
    const knobs = { ...browserProfile('firefox-3').knobs, heartbeat: { intervalMs: 4_000, path: '/', giveUpMs: 9_000 } };
    expect(firefoxCannotPlay(knobs).map((u) => u.knob)).toEqual(['heartbeat']);
  });
});

describe('userJs', () => {
  it('writes one user_pref line per pref, sorted, with JSON literals', () => {
    expect(userJs({ 'b.x': 2, 'a.y': '1.0', 'c.z': false })).toBe('user_pref("a.y", "1.0");\nuser_pref("b.x", 2);\nuser_pref("c.z", false);\n');
  });
});

describe('firefoxProxyPrefs', () => {
  it('points Firefox at the HTTP proxy on loopback for every host, localhost names included, over the quiet direct default', () => {
    const prefs = { ...QUIET_PREFS, ...firefoxProxyPrefs(8123) };
    expect(prefs).toMatchObject({
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 8123,
      'network.proxy.allow_hijacking_localhost': true,
      'network.proxy.no_proxies_on': '',
    });
    expect(userJs(prefs)).toContain('user_pref("network.proxy.allow_hijacking_localhost", true);');
  });
});
