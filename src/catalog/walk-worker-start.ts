/**
 * @module Starting the walking worker (walk-worker.ts). A worker thread takes a hundred
 * milliseconds or more to boot and load the walk's modules; a command that knows early that it
 * will walk a directory (`vigil sbom DIR` with the default catalogers) starts one with
 * `warmWalkWorker` before it loads the catalogers, so both happen at once on a two-core machine,
 * and the catalog driver takes that worker (`takeWalkWorker`) instead of starting its own. This
 * module loads nothing else, so the command pays nothing for it up front.
 */
import { Worker } from 'node:worker_threads';
import type { PrelistRequest } from './walk-worker.js';

let warm: Worker | undefined;

function startWalkWorker(): Worker {
  // Not the main thread's flags (`--input-type=module`, `--cpu-prof`…): the worker is a plain module.
  return new Worker(new URL('./walk-worker.js', import.meta.url), { execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 8 } });
}

/**
 * Starts a walking worker now, for the next walk, and has it list the folders that walk will
 * most likely cover (`prelist`; a wrong guess costs only the listing, capped). It waits for its
 * plan without holding the process open, so a command that ends up not walking (an image
 * target, no `**` cataloger) simply leaves it behind. Does nothing when sources are not built
 * to JavaScript (tests running the TypeScript), where the driver walks on its own thread.
 */
export function warmWalkWorker(prelist: PrelistRequest['prelist']): void {
  if (warm || !import.meta.url.endsWith('.js')) return;
  try {
    warm = startWalkWorker();
    warm.postMessage({ prelist } satisfies PrelistRequest);
  } catch {
    return; // the driver tries again, and walks here if it cannot
  }
  warm.unref();
  // A worker that fails while waiting is no use: the driver starts another.
  warm.once('error', () => (warm = undefined));
  warm.once('exit', () => (warm = undefined));
}

/** The warm worker if there is one, else a new one; it then holds the process open until it ends. */
export function takeWalkWorker(): Worker {
  // A thread id of -1: it has exited, and its 'exit' event is still to come.
  const worker = warm && warm.threadId !== -1 ? warm : startWalkWorker();
  warm = undefined;
  worker.removeAllListeners();
  worker.ref();
  return worker;
}
