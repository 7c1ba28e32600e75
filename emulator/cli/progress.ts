/**
 * Progress of a long run on stderr: which run of how many, how long so far, and about how long is left. On a terminal
 * it is one line redrawn in place (and cleared before a table prints); elsewhere (a CI log, a pipe) it is one plain
 * line per finished run, so a log reads in order and holds no control characters. Time left is the mean of the runs
 * done in each world times the runs left in it: a real browser's run costs seconds where a simulation's costs
 * milliseconds.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

interface Current {
  label: string;
  world: string;
  startedAt: number;
}

export class Progress {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #tty: boolean;
  readonly #startedAt: number;
  #total = 0;
  #done = 0;
  #current: Current | null = null;
  /** Per world: ms of each finished run, and runs planned. */
  readonly #spent = new Map<string, number[]>();
  readonly #planned = new Map<string, number>();
  #shown = false;
  #ticker: NodeJS.Timeout | null = null;

  constructor(stream: ProgressStream, now: () => number = () => performance.now()) {
    this.#stream = stream;
    this.#now = now;
    this.#tty = stream.isTTY === true;
    this.#startedAt = now();
  }

  /** The suite's plan: how many runs each world will do. */
  plan(worlds: readonly string[]): void {
    this.#total = worlds.length;
    this.#planned.clear();
    for (const world of worlds) this.#planned.set(world, (this.#planned.get(world) ?? 0) + 1);
  }

  start(label: string, world: string): void {
    this.#current = { label, world, startedAt: this.#now() };
    if (!this.#tty) return;
    this.#draw();
    // Elapsed time moves on while a long run (a real browser's) is under way.
    this.#ticker ??= setInterval(() => this.#draw(), 1_000).unref();
  }

  done(failed = false): void {
    const current = this.#current;
    if (!current) return;
    const ms = this.#now() - current.startedAt;
    this.#spent.set(current.world, [...(this.#spent.get(current.world) ?? []), ms]);
    this.#done++;
    this.#current = null;
    if (this.#tty) this.#draw();
    else this.#stream.write(`[${this.#done}/${this.#total}] ${current.label}: ${failed ? 'reported errors, ' : ''}${seconds(ms)}${this.#left()}\n`);
  }

  /** Takes the line off the terminal, before something else prints there; it comes back at the next start. */
  clear(): void {
    if (this.#tty && this.#shown) this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }

  finish(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
    this.clear();
  }

  #draw(): void {
    const running = this.#current ? ` ${this.#current.label}` : '';
    const elapsed = clock(this.#now() - this.#startedAt);
    let line = `[${Math.min(this.#done + (this.#current ? 1 : 0), this.#total)}/${this.#total}]${running} — ${elapsed} elapsed${this.#left()}`;
    const width = this.#stream.columns ?? 100;
    if (line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
    this.#stream.write(`\r\x1b[K${line}`);
    this.#shown = true;
  }

  /** `, ~1:30 left`, once a run of each world still to come has been timed. */
  #left(): string {
    let ms = 0;
    for (const [world, planned] of this.#planned) {
      const spent = this.#spent.get(world) ?? [];
      const left = planned - spent.length;
      if (left <= 0) continue;
      if (spent.length === 0) return '';
      ms += (left * spent.reduce((a, b) => a + b, 0)) / spent.length;
    }
    return ms >= 1000 ? `, ~${clock(ms)} left` : '';
  }
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
