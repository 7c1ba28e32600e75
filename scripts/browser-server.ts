// Starts a Chromium browser server for remote Playwright runs and prints its endpoint:
//   npx tsx scripts/browser-server.ts [--host 127.0.0.1] [--port 0]
// then on the test machine: KEEPALIVE_LAB_WS_ENDPOINT=<endpoint> npx playwright test
import { parseArgs } from 'node:util';
import { startChromiumServer } from '../emulator/browsers/browser-server.ts';

const { values } = parseArgs({ options: { host: { type: 'string' }, port: { type: 'string' } } });
const server = await startChromiumServer({
  ...(values.host ? { host: values.host } : {}),
  ...(values.port ? { port: Number(values.port) } : {}),
});
console.log(server.wsEndpoint());
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
