// A simulation pool's worker thread from the sources (sim-pool.ts): registers tsx so the TypeScript runs as it is.
// A plain .mjs, so it starts the same under tsx, vitest and Playwright's runner.
import { register } from 'tsx/esm/api';

register();
await import('./sim-worker.ts');
