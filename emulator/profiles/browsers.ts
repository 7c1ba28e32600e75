/**
 * The shipped browser profiles. Every knob cites its source; the rows quoted are in
 * shared/reference/connection-policies.md ("read" = read in the named source, "secondary" = quoted by a secondary
 * source, "recalled" = from memory of the source, not re-read: treat as the weakest evidence).
 */
import { UnknownProfileError } from '../errors.ts';
import type { BrowserProfile } from './browser-profile.ts';
import { CHROMIUM_156_TIMING } from './client-timing.ts';

const RFC2616_2 = 'RFC 2616 §8.1.4 (read): a single-user client SHOULD NOT maintain more than 2 connections with any server';
const WANG_CAO = 'Wang & Cao, "Persistent Connection Behavior of Popular Browsers" (read)';
const KB183110 = 'Microsoft KB 183110 (secondary): WinINet MaxConnectionsPerServer 2, MaxConnectionsPer1_0Server 4';
const KB813827 = 'Microsoft KB 813827 (read): KeepAliveTimeout 60 000 ms';
const GECKO18 = 'Gecko 1.8 modules/libpref/src/init/all.js (read)';
const GECKO_FF3 = 'mozilla all.js history, bug 423377 (read)';
const GECKO_KEEPALIVE = 'mozilla all.js (read): network.http.keep-alive.timeout = 300 s';
const CHROMIUM_POOL = 'chromium net/socket/client_socket_pool_manager.cc (read)';
const NO_PIPELINING = 'no pipelining';
/**
 * No request scheduler above the connection limits: no source describes one for the browsers of the 1990s and 2000s
 * (Wang & Cao measured their connections only; the WinINet and Gecko 1.8 prefs cap connections, not requests), so a
 * page's requests go to the connection pools as the page finds them.
 */
const NO_SCHEDULER = { scheduler: 'none', schedulerMaxDelayable: 10, schedulerMaxPerHost: 6, schedulerTightLimit: 2 } as const;
const NO_SCHEDULER_SOURCES = {
  scheduler:
    'none: no source describes a request scheduler above the connection limits for this browser (Wang & Cao measured ' +
    'connections only; its prefs cap connections, not requests)',
  schedulerMaxDelayable: 'unused: no scheduler',
  schedulerMaxPerHost: 'unused: no scheduler',
  schedulerTightLimit: 'unused: no scheduler',
};
const RESOURCE_SCHEDULER = 'chromium services/network/resource_scheduler/resource_scheduler.cc';
const RESOURCE_SCHEDULER_PARAMS = 'chromium services/network/resource_scheduler/resource_scheduler_params_manager.cc';
const SCRIPTS_BLOCK = 'Souders, High Performance Web Sites (O\'Reilly, 2007), rule 6 "Put Scripts at the Bottom" (recalled)';
/** The TCP stacks under the browsers: SYN retransmission is the operating system's, not the browser's. */
const RFC1122_RTO = 'RFC 1122 §4.2.3.1 and RFC 2988 §2.1 (read): an initial retransmission timeout of 3 s, doubled on each retry';
const RFC1122_SYN_R2 = 'RFC 1122 §4.2.3.5 (read): R2 for a SYN at least 3 minutes; 5 retries (3 + 6 + 12 + 24 + 48 s, given up at 189 s)';
const WINDOWS_RTO = 'the Windows 95 to XP TCP stack (recalled): an initial SYN timeout of 3 s, doubled, as RFC 1122 and RFC 2988 (read) say';
const WINDOWS_SYN_RETRIES =
  'Windows 2000/XP TcpMaxConnectRetransmissions default 2 (Microsoft TCP/IP implementation details, recalled): SYNs at 0, 3 and 9 s, given up at 21 s';
const LINUX_RTO = 'RFC 6298 §2.1 (read): an initial RTO of 1 s, as Linux uses (TCP_TIMEOUT_INIT), doubled on each retry';
const LINUX_SYN_RETRIES = 'Linux net.ipv4.tcp_syn_retries default 6 (ip-sysctl documentation, recalled): given up after about 127 s';
/**
 * No application heartbeat: no HTTP/1.x browser sent requests of its own on an idle keep-alive connection to keep it
 * open or to test it (none of the sources above, nor RFC 2616 §8.1, describe one); the heartbeats of the seeds are an
 * application's own (a page's script, a long-poll), not the browser's connection policy.
 */
const NO_HEARTBEAT =
  'null: no HTTP/1.x browser sent application heartbeats on idle keep-alive connections (none of its sources, nor RFC 2616 §8.1, describes one)';
const NO_TCP_KEEPALIVE = 'null: no source found that this browser set SO_KEEPALIVE on its HTTP sockets: off (the stack default)';
const NOT_DOCUMENTED = 'not documented; the engine default (MRU, as Chromium) is assumed';
const GECKO_SINK =
  "Gecko 1.8/1.9's parser tokenizes the HTML as it arrives and its content sink creates <img> elements, which start " +
  'their loads, on each flush, before the document ends (recalled); Gecko 1.9.1 added the speculative parser and the ' +
  'HTML5 parser its speculative loads (nsHtml5SpeculativeLoad.cpp: eSpeculativeLoadImage → PreloadImage, read)';

const http10: BrowserProfile = {
  name: 'http-1.0',
  title: 'An HTTP/1.0 client without keep-alive, 4 parallel connections (Netscape-era default)',
  knobs: {
    httpVersion: '1.0',
    keepAlive: false,
    maxPerHost: 4,
    maxPerHost10: 4,
    maxPerProxy: 4,
    proxyPooling: 'per-proxy',
    maxTotal: 4,
    atTotalCap: 'wait',
    idleTimeoutMs: null,
    honourKeepAliveTimeout: false,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 0,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'complete',
    scriptsBlockDiscovery: false,
    synRetransmitMs: 3_000,
    synRetries: 5,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: 'RFC 1945: HTTP/1.0 request line',
    keepAlive: 'RFC 1945 (read): a connection per request; Keep-Alive is an extension (RFC 2068 §19.7.1)',
    maxPerHost: 'Netscape 4 all.js network.max_connections = 4 (read); Nielsen et al. 1997 ran HTTP/1.0 on 4 parallel connections',
    maxPerHost10: 'as maxPerHost',
    maxPerProxy: 'as maxPerHost',
    proxyPooling: 'one limit whatever the destination: a proxy is one more server to it',
    maxTotal: 'network.max_connections = 4 is a total (read)',
    atTotalCap: 'a non-persistent client never holds idle connections, so there is nothing to evict',
    idleTimeoutMs: 'no idle connections: every response closes its connection',
    honourKeepAliveTimeout: 'no keep-alive',
    reuseOrder: 'no reuse',
    pipelineDepth: NO_PIPELINING,
    staleRetries: 'no reuse, so no stale connection to retry on',
    pacing: 'no requests in flight to pace: a connection per request, at most 4',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery:
      'the plain robot-like client of Nielsen et al. 1997 (their libwww robot in HTTP/1.0 mode, recalled): modelled waiting for the ' +
      'complete HTML, like the HTTP/1.1 robots it is compared with (rfc-2616), so the comparison is of connections ' +
      "alone; whether libwww's robot requested images mid-stream is recalled, not established",
    scriptsBlockDiscovery: 'a robot that runs no scripts: a script is one more request, found where its tag is',
    synRetransmitMs: RFC1122_RTO,
    synRetries: RFC1122_SYN_R2,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
};

const netscape4: BrowserProfile = {
  name: 'netscape-4',
  title: 'Netscape Navigator/Communicator 4.x',
  knobs: {
    httpVersion: '1.0',
    keepAlive: true,
    maxPerHost: 4,
    maxPerHost10: 4,
    maxPerProxy: 4,
    proxyPooling: 'per-proxy',
    maxTotal: 15,
    atTotalCap: 'evict-lru-idle',
    idleTimeoutMs: null,
    honourKeepAliveTimeout: false,
    reuseOrder: 'lru',
    pipelineDepth: 1,
    staleRetries: 1,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'streaming',
    scriptsBlockDiscovery: true,
    synRetransmitMs: 3_000,
    synRetries: 2,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: `${WANG_CAO}: Navigator 4.05 sends HTTP/1.0 requests with Connection: Keep-Alive`,
    keepAlive: WANG_CAO,
    maxPerHost: 'Netscape 4 modules/libpref/src/init/all.js network.max_connections = 4 (read)',
    maxPerHost10: 'Netscape 4 makes no distinction by server version: network.max_connections = 4 (read)',
    maxPerProxy: 'network.max_connections = 4 (read)',
    proxyPooling: 'network.max_connections is one limit whatever the destination (read)',
    maxTotal: `${WANG_CAO}: up to about 15 persistent connections to different servers seen (measured, 1998)`,
    atTotalCap: `${WANG_CAO}: idle persistent connections queued, closed LRU when a connection to a new server is needed`,
    idleTimeoutMs: `${WANG_CAO}: no idle timeout`,
    honourKeepAliveTimeout: `${WANG_CAO}: keeps idle connections with no timeout of its own; no sign of reading the hint`,
    reuseOrder: `${WANG_CAO}: idle connections kept as a queue`,
    pipelineDepth: `${WANG_CAO}: no pipelining`,
    staleRetries: 'mkhttp.c resends once on a reused connection that fails before any data (recalled)',
    pacing: 'Netscape 4 dispatched whenever a connection was free; no pacing (recalled)',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery:
      'Netscape Navigator displayed HTML progressively and requested inline images as their tags arrived, before the page was complete (recalled; widely documented)',
    scriptsBlockDiscovery:
      'Netscape 2 and later stopped parsing at a <script src> until the script had arrived and run, because it may document.write what follows (recalled; the reason HTML 4.01 added `defer`)',
    synRetransmitMs: WINDOWS_RTO,
    synRetries: WINDOWS_SYN_RETRIES,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
  notes: [
    'Netscape 4 counts network.max_connections (4) across servers for active transfers; the emulator applies it per host, ' +
      'which is the same for the single-server pages of the 1990s and lets the idle queue (15) govern across servers.',
  ],
};

const ie6: BrowserProfile = {
  name: 'ie-6',
  title: 'Internet Explorer 6 (WinINet)',
  knobs: {
    httpVersion: '1.1',
    keepAlive: true,
    maxPerHost: 2,
    maxPerHost10: 4,
    maxPerProxy: 2,
    proxyPooling: 'per-proxy',
    maxTotal: null,
    atTotalCap: 'wait',
    idleTimeoutMs: 60_000,
    honourKeepAliveTimeout: false,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 1,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'streaming',
    scriptsBlockDiscovery: true,
    synRetransmitMs: 3_000,
    synRetries: 2,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: 'IE 6 sends HTTP/1.1 by default ("Use HTTP 1.1" advanced option) (recalled)',
    keepAlive: 'WinINet keeps HTTP/1.1 connections alive by default (recalled)',
    maxPerHost: KB183110,
    maxPerHost10: KB183110,
    maxPerProxy: `${KB183110}; a proxy counts as one server`,
    proxyPooling: `${KB183110}: the per-server limit applies to the proxy as one server`,
    maxTotal: 'WinINet has no total connection limit (KB 183110 names only per-server limits) (secondary)',
    atTotalCap: 'no total limit',
    idleTimeoutMs: KB813827,
    honourKeepAliveTimeout: 'WinINet uses its own KeepAliveTimeout (KB 813827, read)',
    reuseOrder: NOT_DOCUMENTED,
    pipelineDepth: 'IE 6 never pipelined (Wang & Cao measured IE 4.01: no pipelining) (read)',
    staleRetries: 'WinINet resends once on a keep-alive connection reset (recalled)',
    pacing: 'WinINet dispatches as its per-server caps allow; no pacing is documented (KB 183110 names only the caps)',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery: 'Internet Explorer rendered HTML progressively and started image downloads as the parser met <img> tags (recalled; widely documented)',
    scriptsBlockDiscovery: `${SCRIPTS_BLOCK}: while a script downloads, IE 6 and 7 start no other download`,
    synRetransmitMs: WINDOWS_RTO,
    synRetries: WINDOWS_SYN_RETRIES,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
};

const ie8: BrowserProfile = {
  name: 'ie-8',
  title: 'Internet Explorer 8 on broadband',
  extends: 'ie-6',
  knobs: { ...ie6.knobs, maxPerHost: 6, maxPerHost10: 6, maxPerProxy: 6, scriptsBlockDiscovery: false },
  sources: {
    ...ie6.sources,
    maxPerHost: 'MSDN maxConnectionsPerServer (read): 6 on broadband (2 on dial-up)',
    maxPerHost10: 'MSDN maxConnectionsPerServer (read): 6 to HTTP/1.0 servers on broadband (4 on dial-up)',
    maxPerProxy: 'MSDN maxConnectionsPerServer (read): applies to a proxy as a server',
    scriptsBlockDiscovery: 'Souders, "IE8 speeds things up" (stevesouders.com, 2008; recalled): IE 8 downloads scripts in parallel with other resources',
  },
};

const firefox2: BrowserProfile = {
  name: 'firefox-2',
  title: 'Firefox 2 (Gecko 1.8)',
  knobs: {
    httpVersion: '1.1',
    keepAlive: true,
    maxPerHost: 2,
    maxPerHost10: 8,
    maxPerProxy: 4,
    proxyPooling: 'per-proxy',
    maxTotal: 24,
    atTotalCap: 'evict-lru-idle',
    idleTimeoutMs: 300_000,
    honourKeepAliveTimeout: true,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 1,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'streaming',
    scriptsBlockDiscovery: true,
    synRetransmitMs: 3_000,
    synRetries: 2,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: `${GECKO18}: network.http.version = "1.1"`,
    keepAlive: `${GECKO18}: network.http.keep-alive = true`,
    maxPerHost: `${GECKO18}: network.http.max-persistent-connections-per-server = 2`,
    maxPerHost10:
      `${GECKO18}: network.http.max-connections-per-server = 8 governs connections that are not persistent; ` +
      'the emulator applies it to a server that answered HTTP/1.0',
    maxPerProxy: `${GECKO18}: network.http.max-persistent-connections-per-proxy = 4`,
    proxyPooling:
      'Gecko keeps one connection entry per proxy for plain HTTP, capped by max-persistent-connections-per-proxy; measured (Firefox ESR 153 as firefox-2, test/browsers/proxy.spec.ts): 4 connections to the proxy for one origin, above the per-server 2',
    maxTotal: `${GECKO18}: network.http.max-connections = 24`,
    atTotalCap: 'nsHttpConnectionMgr closes the oldest idle connection when max-connections is reached (recalled)',
    idleTimeoutMs: GECKO_KEEPALIVE,
    honourKeepAliveTimeout: 'nsHttpConnection reads the Keep-Alive: timeout= response header as its idle timeout (recalled)',
    reuseOrder: 'nsHttpConnectionMgr takes the most recently returned idle connection (recalled)',
    pipelineDepth: 'mozilla all.js (read): network.http.pipelining = false by default',
    staleRetries: 'nsHttpTransaction restarts once on a reused connection that closed before any response (recalled)',
    pacing: "Gecko 1.8's all.js has no pacing prefs: network.http.pacing.requests.* came with Gecko's EventTokenBucket, " + 'years later (recalled)',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery: GECKO_SINK,
    scriptsBlockDiscovery: `${SCRIPTS_BLOCK}: Firefox 2 and 3.0 too; Gecko's speculative parser (Mozilla bug 364315) came with Firefox 3.5 (recalled)`,
    synRetransmitMs: WINDOWS_RTO,
    synRetries: WINDOWS_SYN_RETRIES,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
};

const firefox3: BrowserProfile = {
  name: 'firefox-3',
  title: 'Firefox 3',
  extends: 'firefox-2',
  knobs: { ...firefox2.knobs, maxPerHost: 6, maxPerHost10: 15, maxPerProxy: 8, maxTotal: 30 },
  sources: {
    ...firefox2.sources,
    maxPerHost: `${GECKO_FF3}: max-persistent-connections-per-server = 6`,
    maxPerHost10: `${GECKO_FF3}: max-connections-per-server = 15 (applied to HTTP/1.0 servers, as in firefox-2)`,
    maxPerProxy: `${GECKO_FF3}: max-persistent-connections-per-proxy = 8`,
    maxTotal: `${GECKO_FF3}: max-connections = 30`,
  },
};

const firefox3Pipelining: BrowserProfile = {
  name: 'firefox-3-pipelining',
  title: 'Firefox 3 with network.http.pipelining = true',
  extends: 'firefox-3',
  knobs: { ...firefox3.knobs, pipelineDepth: 4 },
  sources: { ...firefox3.sources, pipelineDepth: 'mozilla all.js (read): network.http.pipelining.maxrequests = 4' },
};

const opera9: BrowserProfile = {
  name: 'opera-9',
  title: 'Opera 9.63',
  knobs: {
    httpVersion: '1.1',
    keepAlive: true,
    maxPerHost: 4,
    maxPerHost10: 4,
    maxPerProxy: 4,
    proxyPooling: 'per-proxy',
    maxTotal: 20,
    atTotalCap: 'wait',
    idleTimeoutMs: 120_000,
    honourKeepAliveTimeout: true,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 1,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'streaming',
    scriptsBlockDiscovery: true,
    synRetransmitMs: 3_000,
    synRetries: 2,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: 'Opera 9 speaks HTTP/1.1 (recalled)',
    keepAlive: 'Opera 9 keeps connections alive (recalled)',
    maxPerHost: 'Souders, "Roundup on Parallel Connections" (secondary): about 4 per server for Opera 9.63',
    maxPerHost10: 'Souders (secondary): Opera makes no distinction by server version',
    maxPerProxy: 'opera:config "Max Connections Server" applies to a proxy too (recalled)',
    proxyPooling: 'as maxPerProxy: the proxy is one server to it (recalled)',
    maxTotal: 'opera:config "Max Connections Total" = 20 (recalled)',
    atTotalCap: 'not documented; waiting is assumed',
    idleTimeoutMs: 'opera:config "HTTP Keep-Alive Timeout" 120 s (recalled)',
    honourKeepAliveTimeout: 'Opera honours Keep-Alive: timeout (recalled)',
    reuseOrder: NOT_DOCUMENTED,
    pipelineDepth: 'Opera pipelined with heuristics of its own (recalled); off here until a source for its depth and fallbacks is read',
    staleRetries: 'Opera resends on a reused connection closed before a response (recalled)',
    pacing: 'no pacing is documented for Opera 9 (recalled)',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery: 'Opera 9 parsed and displayed HTML progressively as it arrived (recalled)',
    scriptsBlockDiscovery: 'no source found for Opera 9; modelled as the browsers of its era, which parsed no further while a script downloaded',
    synRetransmitMs: WINDOWS_RTO,
    synRetries: WINDOWS_SYN_RETRIES,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
};

const rfc2616: BrowserProfile = {
  name: 'rfc-2616',
  title: 'A client that follows RFC 2616 to the letter: persistent, at most 2 connections per server',
  knobs: {
    httpVersion: '1.1',
    keepAlive: true,
    maxPerHost: 2,
    maxPerHost10: 2,
    maxPerProxy: 2,
    proxyPooling: 'per-proxy',
    maxTotal: null,
    atTotalCap: 'wait',
    idleTimeoutMs: null,
    honourKeepAliveTimeout: false,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 1,
    pacing: null,
    ...NO_SCHEDULER,
    htmlDiscovery: 'complete',
    scriptsBlockDiscovery: false,
    synRetransmitMs: 3_000,
    synRetries: 5,
    heartbeat: null,
    tcpKeepAlive: null,
  },
  sources: {
    httpVersion: 'RFC 2616',
    keepAlive: 'RFC 2616 §8.1.2 (read): persistent connections are the default',
    maxPerHost: RFC2616_2,
    maxPerHost10: RFC2616_2,
    maxPerProxy: 'RFC 2616 §8.1.4 (read): a single-user client to a proxy also SHOULD NOT exceed 2',
    proxyPooling: 'RFC 2616 §8.1.4 (read) counts connections to the proxy, whatever the origin',
    maxTotal: 'RFC 2616 sets no total',
    atTotalCap: 'no total limit',
    idleTimeoutMs: 'RFC 2616 §8.1.4 (read): no timeout value is specified',
    honourKeepAliveTimeout: 'Keep-Alive is not part of RFC 2616',
    reuseOrder: NOT_DOCUMENTED,
    pipelineDepth: 'RFC 2616 §8.1.2.2 allows pipelining; this profile is the plain persistent client (see firefox-3-pipelining)',
    staleRetries: 'RFC 2616 §8.1.4 (read): a client MAY retry an idempotent request on a closed connection once',
    pacing: 'RFC 2616 says nothing of pacing',
    ...NO_SCHEDULER_SOURCES,
    htmlDiscovery:
      "RFC 2616 says nothing of parsing; this protocol-only client requests a page's images once its HTML is complete, so the profile shows the connection rules alone",
    scriptsBlockDiscovery: 'a protocol-only client that runs no scripts: a script is one more request, found where its tag is',
    synRetransmitMs: RFC1122_RTO,
    synRetries: RFC1122_SYN_R2,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive: NO_TCP_KEEPALIVE,
  },
};

const chromium: BrowserProfile = {
  name: 'chromium',
  title: 'Chromium today (HTTP/1.1 over TCP)',
  knobs: {
    httpVersion: '1.1',
    keepAlive: true,
    maxPerHost: 6,
    maxPerHost10: 6,
    maxPerProxy: 32,
    proxyPooling: 'per-origin',
    maxTotal: 300,
    atTotalCap: 'evict-idle-other-host',
    idleTimeoutMs: 300_000,
    honourKeepAliveTimeout: false,
    reuseOrder: 'mru',
    pipelineDepth: 1,
    staleRetries: 2,
    pacing: null,
    scheduler: 'chromium',
    schedulerMaxDelayable: 10,
    schedulerMaxPerHost: 6,
    schedulerTightLimit: 2,
    htmlDiscovery: 'streaming',
    scriptsBlockDiscovery: false,
    synRetransmitMs: 1_000,
    synRetries: 6,
    heartbeat: null,
    tcpKeepAlive: { idleMs: 45_000, intervalMs: 45_000, probes: 9 },
  },
  sources: {
    httpVersion: 'chromium net/http/http_basic_state.cc: HTTP/1.1 request line (read)',
    keepAlive: 'Chromium keeps HTTP/1.1 sockets alive (read)',
    maxPerHost: `${CHROMIUM_POOL}: g_max_sockets_per_group = 6; measured 6 on loopback (Chromium 156)`,
    maxPerHost10: `${CHROMIUM_POOL}: one limit per group whatever the server version`,
    maxPerProxy: 'chromium client_socket_pool_manager.h (read): max sockets per proxy server = 32',
    proxyPooling:
      "chromium client_socket_pool_manager.cc (read, in naiveproxy's copy): a plain-HTTP request through an HTTP proxy goes to a group named by its origin inside the proxy's pool (6 sockets a group, 32 a proxy); measured (Chromium 156, test/browsers/proxy.spec.ts): 6 connections to the proxy for one origin, 13 for a page and two image hosts, none carrying two origins' requests",
    maxTotal:
      'measured (docs/FIDELITY.md), Chromium 156 on loopback: 257 one-image hosts all served at once, 301 hosts → ' +
      '300–301 sockets open with 0–1 closed; the source reads 256 (client_socket_pool_manager.cc, max sockets per pool) ' +
      'but the measurement wins',
    atTotalCap: 'chromium client_socket_pool_base.cc CloseOneIdleSocketExceptInGroup (read)',
    idleTimeoutMs: 'chromium client_socket_pool.cc (read): used idle socket timeout 300 s',
    honourKeepAliveTimeout: 'Chromium ignores the Keep-Alive header (net/http has no parser for its timeout) (recalled)',
    reuseOrder: 'chromium transport_client_socket_pool.cc takes the most recently used idle socket (recalled)',
    pipelineDepth: 'chromium.org network-stack design docs (read): pipelining removed',
    staleRetries:
      'chromium net/http/http_network_transaction.cc (read): resends on a reused socket after a reset/close before ' +
      'headers; the attempt limit (2) is recalled',
    pacing:
      "Chromium's socket pool has no request rate limit; its ResourceScheduler limits how many requests are in flight, " + 'by count (the scheduler knobs)',
    scheduler:
      `${RESOURCE_SCHEDULER} (read): requests below net::MEDIUM (kDelayablePriorityThreshold) to a server not known to ` +
      'support priorities (HTTP/1.1) are delayable; images are delayable until layout finds them visible and Blink ' +
      'raises them to kHigh = net::MEDIUM (resource_fetcher.cc UpdateAllImageResourcePriorities, read); measured: ' +
      'Chromium 156 holds the 7th image of a one-host page and the 11th of a three-host page until the raise ' +
      '(scripts/probe-scheduling.ts, docs/FIDELITY.md)',
    schedulerMaxDelayable:
      `${RESOURCE_SCHEDULER_PARAMS} (read): kDefaultMaxNumDelayableRequestsPerClient = 10 (8 on 3G and slower, not ` +
      'modelled: the testbed has no effective connection type); non_delayable_weight 0 on faster networks',
    schedulerMaxPerHost:
      `${RESOURCE_SCHEDULER} (read): kMaxNumDelayableRequestsPerHostPerClient = 6, counting every request in flight ` + 'to the host, delayable or not',
    schedulerTightLimit:
      'chromium third_party/blink/renderer/platform/loader/fetch/resource_load_scheduler.cc (read): ' +
      'kTightLimitForRendererSideResourceScheduler = 2 (and kBoostImagePriority tight_medium_limit 2) until ' +
      'Document::WillInsertBody loosens the policy; measured: Chromium 156 sends two images first and the rest ' +
      'tens of ms later (scripts/probe-scheduling.ts)',
    htmlDiscovery:
      'chromium third_party/blink/renderer/core/html/parser/html_preload_scanner.cc: the preload scanner requests images from the HTML received so far (recalled; its WebKit ancestor HTMLPreloadScanner, appendToEnd then scan, read)',
    scriptsBlockDiscovery:
      'chromium third_party/blink/renderer/core/html/parser/html_preload_scanner.cc: the preload scanner keeps finding resources while the parser waits for a script (recalled; its WebKit ancestor HTMLPreloadScanner, read)',
    synRetransmitMs: LINUX_RTO,
    synRetries: LINUX_SYN_RETRIES,
    heartbeat: NO_HEARTBEAT,
    tcpKeepAlive:
      'chromium net/socket/tcp_socket_posix.cc (read): a client socket gets SO_KEEPALIVE with ' +
      'kTCPKeepAliveSeconds = 45 (not on Android or iOS), and SetTCPKeepAlive sets both TCP_KEEPIDLE and TCP_KEEPINTVL ' +
      'to it on Linux (tcp_socket_win.cc the same through SIO_KEEPALIVE_VALS, to keep NAT mappings alive, crbug.com/27400); ' +
      'probes: Linux net.ipv4.tcp_keepalive_probes default 9 (tcp(7), read), which Chromium leaves as it is',
  },
  notes: [
    'Unused idle sockets (preconnects) time out after 60 s in Chromium; the emulator never preconnects.',
    'Total cap: past about 300 hosts Chromium 156 behaves as a soft limit (400 hosts: at most 373 open, 28 closed by ' +
      'the client; 600: 444 open, 288 closed). The profile models a hard cap of 300, which matches up to 300 hosts.',
    "Client timing: Chromium 156's own time per round of requests on a 2-core machine (client-timing.ts). A scenario " +
      'can set `clientTiming: none` to see the connection policy alone.',
  ],
  clientTiming: CHROMIUM_156_TIMING,
};

export const BROWSER_PROFILES: readonly BrowserProfile[] = [http10, netscape4, ie6, ie8, firefox2, firefox3, firefox3Pipelining, opera9, rfc2616, chromium];

export function browserProfile(name: string): BrowserProfile {
  const found = BROWSER_PROFILES.find((p) => p.name === name);
  if (!found)
    throw new UnknownProfileError(
      'browser',
      name,
      BROWSER_PROFILES.map((p) => p.name),
    );
  return found;
}
