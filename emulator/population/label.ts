/** How a population's run is named where a browser's would be (results, tables, skips): `users: 60% ie-6, 40% firefox-2`. */
import type { Population } from '../scenario/types.ts';

export function populationLabel(population: Population): string {
  const total = population.browsers.reduce((sum, b) => sum + b.share, 0);
  return `users: ${population.browsers.map((b) => `${Math.round((100 * b.share) / total)}% ${b.browser.name}`).join(', ')}`;
}
