/**
 * An imported page as a scenario file a person can read and edit: a header that says where it came from and what was
 * left out, the listed site (one resource a line), a server profile chosen from the recorded `Server` header, the
 * network the page was recorded over, and the browsers of the question the import answers (how would Netscape 4 or
 * IE 6 have loaded this page, and how does Chromium today).
 */
import { htmlBytesNeeded } from '../page/page-html.ts';
import { buildSite, type ListedSiteSpec } from '../page/site.ts';
import { slug } from '../scenario/resolve-sites.ts';
import type { ImportedPage } from './har-page.ts';

export const IMPORT_BROWSERS = ['netscape-4', 'ie-6', 'ie-8', 'firefox-3', 'chromium'] as const;

export interface ScenarioText {
  text: string;
  /** What the import changed or could not keep, one line each, for the terminal too. */
  notes: string[];
}

export function scenarioText(page: ImportedPage, source: { file: string; schemaPath: string }): ScenarioText {
  const notes: string[] = [];
  const spec: ListedSiteSpec = { domain: page.domain, path: page.path, htmlBytes: page.htmlBytes, htmlWaitMs: page.htmlWaitMs, resources: page.resources };
  // The fixture site serves the page at exactly htmlBytes, and its tags must fit: a small page (or one whose HTML came
  // compressed) grows to hold them.
  const needed = htmlBytesNeeded(buildSite(spec).pages.get(page.path)!);
  const htmlBytes = Math.max(page.htmlBytes, needed);
  if (htmlBytes > page.htmlBytes)
    notes.push(`htmlBytes raised from ${page.htmlBytes} to ${htmlBytes}: the page's ${page.resources.length} tags need that much`);
  for (const [reason, { count, example }] of page.dropped) notes.push(`dropped ${count} request${count === 1 ? '' : 's'}: ${reason} (e.g. ${example})`);
  const renamed = [...page.hosts].filter(([from, to]) => to !== from && to !== `${from}.localhost`);
  for (const [from, to] of renamed) notes.push(`host ${from} became ${to}`);

  const server = /nginx/i.test(page.serverHeader ?? '') ? 'nginx' : 'apache-2.2';
  const network =
    page.rttMs === null
      ? '{ name: as-recorded, rttMs: 100 } # no connection was timed in the HAR: 100 ms assumed'
      : `{ name: as-recorded, rttMs: ${page.rttMs}${page.bandwidthKbps === null ? '' : `, bandwidthKbps: ${page.bandwidthKbps}`} }`;
  const types = countTypes(page);
  const lines = [
    `# yaml-language-server: $schema=${source.schemaPath}`,
    `# Imported by keepalive-lab import from ${source.file}: ${oneLine(page.title)}`,
    `#   ${page.url}`,
    `# ${types}. Sizes are the bytes on the wire; waitMs is each response's server time (the HAR's wait less one round trip).`,
    ...notes.map((n) => `# ${oneLine(n)}`),
    `# What an import keeps and drops: docs/IMPORT.md. Check: keepalive-lab validate <this file>. Run: keepalive-lab run <this file>.`,
    `name: ${slug(page.title === page.url ? page.domain.replace(/\.localhost$/, '') : page.title)}`,
    `description: ${JSON.stringify(`${page.url} as recorded, under each browser's connection policy`)}`,
    'site:',
    `  domain: ${page.domain}`,
    `  path: ${JSON.stringify(page.path)}`,
    `  htmlBytes: ${htmlBytes}`,
    `  htmlWaitMs: ${page.htmlWaitMs}`,
    ...(page.resources.length === 0
      ? ['  resources: []']
      : [
          '  resources:',
          ...page.resources.map(
            (r) =>
              `    - { url: ${JSON.stringify(`http://${r.host}${r.path}`)}, type: ${r.type}, bytes: ${r.bytes}${r.waitMs === undefined ? '' : `, waitMs: ${r.waitMs}`} }`,
          ),
        ]),
    `# The recorded Server header: ${oneLine(page.serverHeader ?? 'none')}. keepalive-lab profiles lists the others.`,
    `server: ${server}`,
    '# The path the page was recorded over, estimated from its connects and its large responses; add others to compare (wan-1997, modem-28k8, dsl …).',
    `network: ${network}`,
    `browsers: [${IMPORT_BROWSERS.join(', ')}]`,
    `steps: [ { load: ${JSON.stringify(page.path)} } ]`,
    '',
  ];
  return { text: lines.join('\n'), notes };
}

function countTypes(page: ImportedPage): string {
  const n = (type: string) => page.resources.filter((r) => r.type === type).length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `The HTML and ${plural(n('image'), 'image')}, ${plural(n('stylesheet'), 'stylesheet')}, ${plural(n('script'), 'script')} on ${plural(page.hosts.size, 'host')}`;
}

/** A comment line cannot hold a newline; a title can. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
