/**
 * Simulations on every core: a pool of worker threads, each running whole simulations (`SimWorld.run`) it is sent.
 * The simulation is deterministic and its record plain data, so a run's record is the same from a worker as from the
 * main thread; only the wall time changes. A suite hands its simulations to the pool ahead of their turn
 * (run-suite.ts `jobs`) and takes their records in order.
 *
 * Only the simulation: the live world and the real browsers measure time on this machine, and runs beside them would
 * slow them down.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { COMPILED, packagePath } from '../package-root.ts';
import type { RunResult } from '../result/types.ts';
import type { WorldRun } from '../world.ts';

/** What a worker is sent: one run (no signal: an interrupted suite terminates the pool instead). */
export interface SimTask {
  id: number;
  input: Omit<WorldRun, 'signal'>;
}

export type SimTaskDone = { id: number; result: RunResult } | { id: number; error: string };

/** The worker's entry: the compiled bundle's own, or a plain .mjs that registers tsx for the sources. */
const ENTRY = COMPILED ? packagePath('dist', 'sim-worker.mjs') : packagePath('emulator', 'run', 'sim-worker-entry.mjs');

/** Threads by default: one per core the process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

export class SimPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #queue: { task: SimTask; resolve: (r: RunResult) => void; reject: (e: Error) => void }[] = [];
  readonly #pending = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();
  /** The task each busy thread runs. */
  readonly #running = new Map<Worker, number>();
  #nextId = 1;
  #closed = false;

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new RangeError(`a simulation pool needs at least one thread, got ${size}`);
  }

  /** Runs one simulation on the next free thread (started on first use). */
  run(input: WorldRun): Promise<RunResult> {
    if (this.#closed) return Promise.reject(new Error('the simulation pool is closed'));
    const { signal: _signal, ...plain } = input;
    return new Promise((resolve, reject) => {
      this.#queue.push({ task: { id: this.#nextId++, input: plain }, resolve, reject });
      this.#dispatch();
    });
  }

  /** Stops every thread; runs still queued or in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const failed = new Error('the simulation pool was closed');
    for (const { reject } of this.#queue.splice(0)) reject(failed);
    for (const { reject } of this.#pending.values()) reject(failed);
    this.#pending.clear();
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
    this.#running.clear();
    this.#idle.length = 0;
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const worker = this.#idle.pop() ?? (this.#workers.length < this.size ? this.#spawn() : undefined);
      if (!worker) return;
      const { task, resolve, reject } = this.#queue.shift()!;
      this.#pending.set(task.id, { resolve, reject });
      this.#running.set(worker, task.id);
      worker.postMessage(task);
    }
  }

  #spawn(): Worker {
    const worker = new Worker(ENTRY);
    // An idle worker must not keep the process alive; one with a task in flight is awaited anyway.
    worker.unref();
    worker.on('message', (done: SimTaskDone) => {
      const pending = this.#pending.get(done.id);
      this.#pending.delete(done.id);
      this.#running.delete(worker);
      if ('error' in done) pending?.reject(new Error(done.error));
      else pending?.resolve(done.result);
      this.#idle.push(worker);
      this.#dispatch();
    });
    worker.on('error', (error) => {
      // A thread that dies fails what it was running; the pool starts another for what is queued.
      const id = this.#running.get(worker);
      this.#running.delete(worker);
      if (id !== undefined) {
        this.#pending.get(id)?.reject(new Error(`a simulation thread failed: ${error.message}`));
        this.#pending.delete(id);
      }
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      this.#dispatch();
    });
    this.#workers.push(worker);
    return worker;
  }
}
