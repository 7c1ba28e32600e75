/**
 * A network path between the client and every server: the simulation models it, the shaper enforces it.
 */
import { UnknownProfileError } from '../errors.ts';

export interface NetworkKnobs {
  /** Round-trip time of the path, with no queueing. */
  rttMs: number;
  /** Downstream (server → client) bandwidth, kbit/s; `null` for unlimited. */
  bandwidthKbps: number | null;
  /** Upstream (client → server) bandwidth, kbit/s; `null` for unlimited. */
  upBandwidthKbps: number | null;
  /** TCP maximum segment size, bytes of payload per packet. */
  mss: number;
  /** TCP initial congestion window, in segments (1–4 in the 1990s, 10 today). */
  initialCwnd: number;
  /** Time to resolve a host name the first time; 0 leaves DNS out. */
  dnsMs: number;
  /** Bytes of IP + TCP header a packet carries on the wire. */
  packetHeaderBytes: number;
}

export interface NetworkProfile {
  name: string;
  title: string;
  knobs: NetworkKnobs;
  sources: Partial<Record<keyof NetworkKnobs, string>>;
}

const NIELSEN = 'Nielsen, Gettys et al., "Network Performance Effects of HTTP/1.1, CSS1, and PNG" (1997)';
const WPT = 'WebPageTest connectivity presets (recalled)';
const IW10 = 'RFC 6928 (read): initial window of 10 segments';
const HEADER_40 = '20 B IPv4 + 20 B TCP, no options';

/** What a network leaves unsaid: no delay or rate, Ethernet-sized segments, RFC 6928's initial window of 10. */
export const DEFAULT_NETWORK_KNOBS: Readonly<NetworkKnobs> = {
  rttMs: 0,
  bandwidthKbps: null,
  upBandwidthKbps: null,
  mss: 1460,
  initialCwnd: 10,
  dnsMs: 0,
  packetHeaderBytes: 40,
};

const profile = (name: string, title: string, knobs: Partial<NetworkKnobs>, sources: NetworkProfile['sources']): NetworkProfile => ({
  name,
  title,
  knobs: { ...DEFAULT_NETWORK_KNOBS, ...knobs },
  sources: { packetHeaderBytes: HEADER_40, ...sources },
});

/**
 * The receive window that caps a connection's congestion window, in both worlds (the simulation's TcpSender and the
 * shaper): 64 KiB, the most a TCP header's 16-bit window field says without window scaling (RFC 793 §3.1; scaling,
 * RFC 1323, was not on by default before Windows Vista and Linux 2.6.17).
 */
export const RECEIVE_WINDOW_BYTES = 65_535;

export const NETWORK_PROFILES: readonly NetworkProfile[] = [
  profile('loopback', 'No shaping: loopback as it is', {}, { rttMs: 'loopback', mss: 'Ethernet-sized segments' }),
  profile(
    'lan-1997',
    '1997 LAN: 10 Mbit/s Ethernet, sub-millisecond RTT',
    { rttMs: 1, bandwidthKbps: 10_000, upBandwidthKbps: 10_000, mss: 1460, initialCwnd: 1 },
    {
      rttMs: `${NIELSEN} (read): LAN round trips under 1 ms`,
      bandwidthKbps: `${NIELSEN} (read): 10 Mbit/s Ethernet`,
      mss: 'Ethernet MTU 1500 − 40',
      initialCwnd: 'RFC 2001 (read): slow start from one segment',
    },
  ),
  profile(
    'wan-1997',
    '1997 WAN: about 90 ms RTT, T1 bandwidth',
    { rttMs: 90, bandwidthKbps: 1544, upBandwidthKbps: 1544, mss: 1460, initialCwnd: 1 },
    {
      rttMs: `${NIELSEN} (read): MIT/LCS to LBL, RTT about 90 ms`,
      bandwidthKbps: 'T1 bottleneck, 1.544 Mbit/s (recalled)',
      mss: 'Ethernet MTU at both ends',
      initialCwnd: 'RFC 2001 (read): slow start from one segment',
    },
  ),
  profile(
    'modem-28k8',
    '1997 dial-up: 28.8 kbit/s PPP modem',
    { rttMs: 150, bandwidthKbps: 28.8, upBandwidthKbps: 28.8, mss: 1460, initialCwnd: 1 },
    {
      rttMs: `${NIELSEN}: PPP over a 28.8k modem, RTT about 150 ms (recalled)`,
      bandwidthKbps: `${NIELSEN} (read): 28.8 kbit/s modem`,
      mss: 'RFC 1661 (read): PPP default MRU 1500 bytes, less 40 of headers',
      initialCwnd: 'RFC 2001 (read): slow start from one segment',
    },
  ),
  profile('dsl', 'DSL', { rttMs: 50, bandwidthKbps: 1500, upBandwidthKbps: 384 }, { rttMs: WPT, bandwidthKbps: WPT, initialCwnd: IW10 }),
  profile('cable', 'Cable', { rttMs: 28, bandwidthKbps: 5000, upBandwidthKbps: 1000 }, { rttMs: WPT, bandwidthKbps: WPT, initialCwnd: IW10 }),
  profile('3g', '3G', { rttMs: 300, bandwidthKbps: 1600, upBandwidthKbps: 768 }, { rttMs: WPT, bandwidthKbps: WPT, initialCwnd: IW10 }),
  profile('4g', '4G', { rttMs: 170, bandwidthKbps: 9000, upBandwidthKbps: 9000 }, { rttMs: WPT, bandwidthKbps: WPT, initialCwnd: IW10 }),
];

export function networkProfile(name: string): NetworkProfile {
  const found = NETWORK_PROFILES.find((p) => p.name === name);
  if (!found)
    throw new UnknownProfileError(
      'network',
      name,
      NETWORK_PROFILES.map((p) => p.name),
    );
  return found;
}

/** The shaped network a scale gives: delays shrink by `scale`, rates grow by 1/scale. Segment sizes stay. */
export function scaleNetwork(knobs: NetworkKnobs, scale: number): NetworkKnobs {
  const rate = (kbps: number | null) => (kbps === null ? null : kbps / scale);
  return {
    ...knobs,
    rttMs: knobs.rttMs * scale,
    bandwidthKbps: rate(knobs.bandwidthKbps),
    upBandwidthKbps: rate(knobs.upBandwidthKbps),
    dnsMs: knobs.dnsMs * scale,
  };
}
