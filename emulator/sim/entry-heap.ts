/**
 * A binary min-heap of the event queue's entries, by (time, sequence), each entry knowing its place so it can be taken
 * out when cancelled (event-queue.ts holds two: events due soon and events far ahead).
 */

export interface Entry {
  at: number;
  seq: number;
  // biome-ignore lint/suspicious/noExplicitAny: each entry's callback takes its own entry's arg; `at<T>` ties the two.
  fire: (arg: any) => void;
  arg: unknown;
  /** The heap holding it and its place there; null once it has fired or been cancelled. */
  heap: EntryHeap | null;
  index: number;
}

/** Whether `a` runs before `b`: the earlier time, or at the same time the one scheduled first. */
export const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class EntryHeap {
  private readonly entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** The first entry, or undefined when empty. */
  peek(): Entry | undefined {
    return this.entries[0];
  }

  push(entry: Entry): void {
    entry.heap = this;
    this.entries.push(entry);
    this.siftUp(entry, this.entries.length - 1);
  }

  /** Takes the first entry off (the heap must not be empty). */
  pop(): Entry {
    const entries = this.entries;
    const top = entries[0]!;
    top.heap = null;
    const last = entries.pop()!;
    if (last !== top) this.siftDown(last, 0);
    return top;
  }

  /** Takes `entry`, which this heap holds, off. */
  remove(entry: Entry): void {
    const i = entry.index;
    entry.heap = null;
    const entries = this.entries;
    const last = entries.pop()!;
    if (last === entry) return;
    // The last entry fills the hole, then moves up or down to its place.
    if (i > 0 && before(last, entries[(i - 1) >> 1]!)) this.siftUp(last, i);
    else this.siftDown(last, i);
  }

  /** Puts `entry` at `i` or above, moving the entries it runs before down. */
  private siftUp(entry: Entry, i: number): void {
    const entries = this.entries;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = entries[parent]!;
      if (before(p, entry)) break;
      entries[i] = p;
      p.index = i;
      i = parent;
    }
    entries[i] = entry;
    entry.index = i;
  }

  /** Puts `entry` at `i` or below, moving the entries that run before it up. */
  private siftDown(entry: Entry, i: number): void {
    const entries = this.entries;
    const n = entries.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(entries[r]!, entries[l]!) ? r : l;
      const child = entries[c]!;
      if (before(entry, child)) break;
      entries[i] = child;
      child.index = i;
      i = c;
    }
    entries[i] = entry;
    entry.index = i;
  }
}
