/** `keepalive-lab profiles [name] [--json]`: the shipped profiles with their knobs and where each value comes from. */
import { parseArgs } from 'node:util';
import { KNOB_NAMES, type BrowserProfile } from '../profiles/browser-profile.ts';
import { BROWSER_PROFILES } from '../profiles/browsers.ts';
import { CLIENT_TIMING_NAMES, NO_CLIENT_TIME } from '../profiles/client-timing.ts';
import { NETWORK_PROFILES, type NetworkProfile } from '../profiles/network-profile.ts';
import { SERVER_PROFILES, type ServerProfile } from '../profiles/server-profile.ts';
import { textTable } from '../report/text-table.ts';
import { DEFAULT_PROXY_PROFILE } from '../proxy/proxy-policy.ts';
import { refuseExtraArguments } from './args.ts';
import { printable } from './printable.ts';
import { PROFILES_USAGE } from './usage.ts';

type AnyProfile = BrowserProfile | ServerProfile | NetworkProfile | typeof DEFAULT_PROXY_PROFILE;

export async function profilesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false } } });
  refuseExtraArguments(positionals, 1, 'profiles', PROFILES_USAGE);
  const all: { kind: string; profile: AnyProfile }[] = [
    ...BROWSER_PROFILES.map((profile) => ({ kind: 'browser', profile })),
    ...SERVER_PROFILES.map((profile) => ({ kind: 'server', profile })),
    ...NETWORK_PROFILES.map((profile) => ({ kind: 'network', profile })),
    { kind: 'proxy', profile: DEFAULT_PROXY_PROFILE },
  ];
  const name = positionals[0];
  if (name) {
    const found = all.filter((p) => p.profile.name === name);
    if (found.length === 0) {
      console.error(printable(`Unknown profile '${name}'. Known profiles: ${all.map((p) => p.profile.name).join(', ')}.`));
      return 2;
    }
    if (values.json)
      console.log(
        JSON.stringify(
          found.map((f) => f.profile),
          null,
          2,
        ),
      );
    else for (const f of found) console.log(describe(f.kind, f.profile));
    return 0;
  }
  if (values.json) {
    console.log(JSON.stringify({ browsers: BROWSER_PROFILES, servers: SERVER_PROFILES, networks: NETWORK_PROFILES, proxy: DEFAULT_PROXY_PROFILE }, null, 2));
    return 0;
  }
  console.log('Browser profiles\n');
  console.log(
    textTable(
      [
        { title: 'name' },
        { title: 'HTTP' },
        { title: 'per host (1.1/1.0)', align: 'right' },
        { title: 'total', align: 'right' },
        { title: 'idle timeout', align: 'right' },
        { title: 'at total cap' },
        { title: 'reuse' },
        { title: 'pipeline', align: 'right' },
        { title: 'resends', align: 'right' },
      ],
      BROWSER_PROFILES.map(({ name, knobs: k }) => [
        name,
        `${k.httpVersion}${k.httpVersion === '1.0' ? (k.keepAlive ? ' +KA' : '') : k.keepAlive ? '' : ' close'}`,
        `${k.maxPerHost}/${k.maxPerHost10}`,
        k.maxTotal === null ? '∞' : String(k.maxTotal),
        k.idleTimeoutMs === null ? 'none' : `${k.idleTimeoutMs / 1000} s${k.honourKeepAliveTimeout ? ' or hint' : ''}`,
        k.atTotalCap,
        k.reuseOrder,
        String(k.pipelineDepth),
        String(k.staleRetries),
      ]),
    ),
  );
  console.log('\nServer profiles\n');
  console.log(
    textTable(
      [
        { title: 'name' },
        { title: 'HTTP' },
        { title: 'keep-alive' },
        { title: 'idle timeout', align: 'right' },
        { title: 'max requests', align: 'right' },
        { title: 'Keep-Alive header' },
      ],
      SERVER_PROFILES.map(({ name, knobs: k }) => [
        name,
        k.httpVersion,
        k.keepAlive ? 'yes' : 'no (Connection: close)',
        k.idleTimeoutMs === null ? 'none' : `${k.idleTimeoutMs / 1000} s`,
        k.maxRequests === null ? '∞' : String(k.maxRequests),
        k.sendsKeepAliveHeader ? 'yes' : 'no',
      ]),
    ),
  );
  console.log('\nNetwork profiles\n');
  console.log(
    textTable(
      [
        { title: 'name' },
        { title: 'RTT', align: 'right' },
        { title: 'down kbit/s', align: 'right' },
        { title: 'up kbit/s', align: 'right' },
        { title: 'MSS', align: 'right' },
        { title: 'init cwnd', align: 'right' },
      ],
      NETWORK_PROFILES.map(({ name, knobs: k }) => [
        name,
        `${k.rttMs} ms`,
        k.bandwidthKbps === null ? '∞' : String(k.bandwidthKbps),
        k.upBandwidthKbps === null ? '∞' : String(k.upBandwidthKbps),
        String(k.mss),
        String(k.initialCwnd),
      ]),
    ),
  );
  const proxy = DEFAULT_PROXY_PROFILE.knobs;
  console.log(
    `\nProxy (\`proxy: true\`; a scenario may set each knob): upstream ${proxy.upstream} per origin, idle timeout ${(proxy.idleTimeoutMs ?? 0) / 1000} s, ` +
      `keep-alive to origin ${proxy.keepAliveToOrigin ? 'yes' : 'no'}, pipelining ${proxy.pipelining}`,
  );
  console.log('\nEvery value cites its source: `keepalive-lab profiles <name>` shows them.');
  return 0;
}

function describe(kind: string, profile: AnyProfile): string {
  const knobs = profile.knobs as unknown as Record<string, unknown>;
  const sources = profile.sources as Record<string, string | undefined>;
  const names = kind === 'browser' ? KNOB_NAMES : Object.keys(knobs);
  const lines = [`${profile.name} (${kind}): ${profile.title}`, ''];
  for (const knob of names) lines.push(`  ${knob.padEnd(24)} ${JSON.stringify(knobs[knob]).padEnd(10)} ${sources[knob] ?? ''}`);
  if (kind === 'browser') {
    const timing = (profile as BrowserProfile).clientTiming ?? NO_CLIENT_TIME;
    lines.push('', `  client timing: ${timing.name}`);
    for (const name of CLIENT_TIMING_NAMES) lines.push(`  ${name.padEnd(24)} ${String(timing.timing[name]).padEnd(10)} ${timing.sources[name]}`);
  }
  const notes = 'notes' in profile ? profile.notes : undefined;
  for (const note of notes ?? []) lines.push('', `  note: ${note}`);
  return lines.join('\n');
}
