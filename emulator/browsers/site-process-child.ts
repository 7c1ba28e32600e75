/**
 * The child side of site-process.ts: starts the fixture site (and the scenario's proxy, if any) for the scenario the
 * parent sends, answers snapshot requests with the trackers' records, and exits when told to close or when the parent goes away (so a killed run
 * never leaves a server behind).
 */
import { startRealSiteHere, type RealSite } from './real-site.ts';
import type { ChildMessage, ParentMessage } from './site-process-protocol.ts';

let site: RealSite | null = null;

const send = (message: ChildMessage) => process.send?.(message);

process.on('message', (message: ParentMessage) => {
  void handle(message).catch((error: unknown) => send({ kind: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => void shutDown());
// Ctrl-C reaches the whole foreground process group, this process too: the parent decides when the site stops (it
// closes it once the browser using it is closed), and if the parent dies the channel closes and we exit anyway.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

async function handle(message: ParentMessage): Promise<void> {
  switch (message.kind) {
    case 'start': {
      const started = await startRealSiteHere(message.scenario, message.network);
      site = started;
      // The public port is the same for every host: read it back from one URL.
      send({ kind: 'started', port: Number(new URL(started.url('localhost', '/')).port), proxyPort: started.proxyPort });
      return;
    }
    case 'snapshot':
      if (!site) throw new Error('snapshot asked before the site started');
      send({ kind: 'snapshot', id: message.id, snapshot: await site.snapshot() });
      return;
    case 'proxy-snapshot':
      if (!site) throw new Error("the proxy's snapshot asked before the site started");
      send({ kind: 'proxy-snapshot', id: message.id, side: await site.proxySnapshot() });
      return;
    case 'close':
      await shutDown();
      return;
  }
}

async function shutDown(): Promise<void> {
  await site?.close().catch(() => undefined);
  site = null;
  process.exit(0);
}
