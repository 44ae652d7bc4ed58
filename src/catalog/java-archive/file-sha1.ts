/**
 * The SHA-1 of a Java archive, which the cataloger reports with every package found in it. It
 * needs every byte: the 266 jars under a host's /usr/lib here are 322 MB, a fifth of a second of
 * one core to hash. So a file with a path on the local disk is hashed on a worker thread, which
 * reads it a megabyte at a time through one buffer while the main thread reads the archive's
 * directory and entries; anything else (and any failure of the worker) is hashed here, streamed
 * through the hash in chunks. Either way memory stays bounded whatever the archive's size.
 */
import { createHash } from 'node:crypto';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { CatalogFile } from '../cataloger.js';
import { chunksOf, type RandomAccessBytes } from '../random-access-bytes.js';

/** Bytes hashed per read: large enough that reads cost little, small enough to stay out of the way. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/** The SHA-1 of all the bytes, read through the hash in chunks, on this thread. */
export async function sha1OfBytes(bytes: RandomAccessBytes): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of chunksOf(bytes, HASH_CHUNK_BYTES)) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * The worker: hashes the file at a path, opened as the sources open files (no link followed in
 * the last segment, no waiting on a FIFO), and says how many bytes it hashed. Evaluated source,
 * so it runs the same from the built package and from the TypeScript sources under test.
 */
export const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { closeSync, constants, fstatSync, openSync, readSync } = require('node:fs');
const buffer = Buffer.allocUnsafe(${HASH_CHUNK_BYTES});
parentPort.on('message', ({ id, path }) => {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    const hash = createHash('sha1');
    let size = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, size);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
    parentPort.postMessage({ id, sha1: hash.digest('hex'), size });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

/** Not the main thread's flags: `--input-type=module` would make the source an ES module. */
export const WORKER_OPTIONS: WorkerOptions = { eval: true, execArgv: [] };

interface Pending {
  resolve(result: { sha1: string; size: number }): void;
  reject(error: Error): void;
}

/**
 * One worker for the process, started on first use; it holds the process open only while it has
 * work. A worker that fails is not started again: the rest are hashed on the main thread.
 */
class HashWorker {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  hash(path: string): Promise<{ sha1: string; size: number }> {
    if (this.failed) return Promise.reject(new Error('the hashing worker failed earlier'));
    const worker = this.start();
    const id = this.nextId++;
    const result = new Promise<{ sha1: string; size: number }>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) worker.ref();
    worker.postMessage({ id, path });
    return result;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, WORKER_OPTIONS);
    worker.unref();
    worker.on('message', (message: { id: number; sha1?: string; size?: number; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.sha1 !== undefined && message.size !== undefined) waiting.resolve({ sha1: message.sha1, size: message.size });
      else waiting.reject(new Error(message.error ?? 'the hashing worker failed'));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failed = true;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the hashing worker exited')));
    this.worker = worker;
    return worker;
  }
}

const hashWorker = new HashWorker();

/**
 * The SHA-1 of a file of the target: the one the driver has when it hashed the file already;
 * else on the worker when the file has a path on the local disk and the worker hashes as many
 * bytes as the file has; otherwise here.
 */
export async function sha1OfFile(file: RandomAccessBytes & Pick<CatalogFile, 'localPath' | 'digest'>): Promise<string> {
  // Hashed already by the walk that found it.
  const known = await file.digest?.('sha1');
  if (known !== undefined) return known;
  let path: string | undefined;
  try {
    path = await file.localPath();
  } catch {
    path = undefined; // not on the disk, nor to be put there (an image over its extraction budget)
  }
  if (path !== undefined) {
    const hashed = await hashWorker.hash(path).catch(() => undefined);
    if (hashed && hashed.size === file.size) return hashed.sha1;
  }
  return sha1OfBytes(file);
}
