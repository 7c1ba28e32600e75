/**
 * A worker thread of the simulation pool (sim-pool.ts): runs each simulation it is sent and posts its record back.
 * Scenarios and profiles are plain data, so they cross the thread boundary as they are (structured clone).
 */
import { parentPort } from 'node:worker_threads';
import { SimWorld } from '../sim/sim-world.ts';
import type { SimTask, SimTaskDone } from './sim-pool.ts';

const world = new SimWorld();
parentPort!.on('message', async (task: SimTask) => {
  let done: SimTaskDone;
  try {
    done = { id: task.id, result: await world.run(task.input) };
  } catch (error) {
    done = { id: task.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(done);
});
