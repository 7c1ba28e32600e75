// The fixture site's own process (site-process.ts): registers tsx so the TypeScript sources run as they are, then
// serves the scenario the parent sends. A plain .mjs, so it starts the same under tsx, vitest and Playwright's runner.
import { register } from 'tsx/esm/api';

register();
await import('./site-process-child.ts');
