/**
 * @module Checkpoints of a long-lived SQLite store, off the event loop. In WAL mode a commit only
 * appends to the write-ahead log; every ~1,000 pages SQLite's automatic checkpoint copies the log
 * into the database file and syncs both, inside whichever commit crossed the line, and that commit
 * (an inventory push, say) waits tens of milliseconds for the disk. Here a worker thread with its
 * own connection runs PASSIVE checkpoints (which never block a writer or a reader) every
 * `intervalMs`, and the store's connection turns its automatic ones off. Should the worker fail,
 * the connection's automatic checkpoints come back, so the log never grows without bound.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker: its own connection to the file, a PASSIVE checkpoint every interval, a last one when
 * told to stop. Given as source (a CommonJS script, handed the driver's resolved path) so that it
 * runs the same from the built files and from the TypeScript sources under the test runner.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.path, { fileMustExist: true });
// A checkpoint that finds the file busy is skipped, not waited for: the next one comes soon.
database.pragma('busy_timeout = 0');
// The log file is cut back to this size once it has been checkpointed whole.
database.pragma('journal_size_limit = ' + 64 * 1024 * 1024);
const checkpoint = () => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy: the next interval.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  database.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker after one last checkpoint. */
  stop(): Promise<void>;
}

/** SQLite's own default: a checkpoint once the log holds this many pages. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

export function startCheckpointer(database: Database.Database, path: string, intervalMs = 500): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  // The process may exit with the worker running (a CLI command that never closes its store).
  worker.unref();
  let running = true;
  const fallBack = () => {
    if (!running) return;
    running = false;
    if (database.open) database.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
  };
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  database.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      if (!running) return;
      running = false;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await exited;
    },
  };
}
