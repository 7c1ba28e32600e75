/**
 * TCP keepalive (SO_KEEPALIVE, the profile's `tcpKeepAlive`) as arithmetic: the client's stack sends a probe once a
 * connection has carried nothing for `idleMs`, then one every `intervalMs`, each answered by the peer's kernel with
 * an ACK. Below HTTP: a probe restarts no server's idle timeout (the server's HTTP code never sees it), and a hung
 * server process still answers it (its kernel does), so only a vanished network is noticed, after
 * `idleMs + probes × intervalMs` without an ACK (tcp(7): TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT).
 *
 * The simulation charges the probes of each quiet period when it ends (the client sends, or the connection closes),
 * so keepalive costs no events: a probe changes nothing but the packet count.
 */
import type { TcpKeepAlive } from '../profiles/browser-profile.ts';

/**
 * Probes sent in a quiet period of `quietMs`: at idleMs, idleMs + intervalMs, … strictly before its end (traffic
 * at the instant a probe was due makes it needless).
 */
export function keepAliveProbes(quietMs: number, policy: TcpKeepAlive): number {
  if (quietMs <= policy.idleMs) return 0;
  return Math.ceil((quietMs - policy.idleMs) / policy.intervalMs);
}

/** Packets a quiet period of `quietMs` puts on the wire: each probe and its ACK, no payload. */
export function keepAlivePackets(quietMs: number, policy: TcpKeepAlive): number {
  return 2 * keepAliveProbes(quietMs, policy);
}

/** How long after its last traffic a connection whose network has vanished is found dead: no ACK to `probes` probes. */
export function deadNetworkNoticedAfterMs(policy: TcpKeepAlive): number {
  return policy.idleMs + policy.probes * policy.intervalMs;
}
