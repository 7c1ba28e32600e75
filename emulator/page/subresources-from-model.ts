/**
 * The simulation's image discovery: it reads no HTML, but knows from the site model where each `<img>` tag ends in the
 * HTML the fixture site serves (page-html.ts), so an image is found once the bytes up to the end of its tag have
 * arrived — as a browser parsing the stream finds it.
 */
import type { DiscoverSubresources, SubresourceDiscovery } from './load-page.ts';
import { tagEnds } from './page-html.ts';
import type { Page } from './site.ts';

/** Tag ends per page, worked out once: a 100-image page is loaded many times in a long run. */
const tagEndsByPage = new WeakMap<Page, readonly number[]>();

function tagEndsOf(page: Page): readonly number[] {
  let ends = tagEndsByPage.get(page);
  if (!ends) {
    ends = tagEnds(page);
    tagEndsByPage.set(page, ends);
  }
  return ends;
}

export const subresourcesFromModel: DiscoverSubresources = (page): SubresourceDiscovery => {
  let next = 0;
  const upTo = (count: number) => {
    const found = next === 0 && count === page.subresources.length ? page.subresources : page.subresources.slice(next, count);
    next = count;
    return found;
  };
  return {
    more(received) {
      // The whole HTML: every image, without working out where the tags end (the non-streaming profiles' hot path).
      if (received.bytes >= page.htmlBytes) return upTo(page.subresources.length);
      const ends = tagEndsOf(page);
      let count = next;
      while (count < ends.length && ends[count]! <= received.bytes) count++;
      return upTo(count);
    },
    // A page too small for its tags (the fixture site would refuse it) has the rest found with its last byte.
    end: () => upTo(page.subresources.length),
  };
};
