/** @module Resumable downloads: a file fetched to FILE.part and renamed when whole. */
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import cliProgress from 'cli-progress';
import { VigilError, describeError } from '../errors.js';

/**
 * Downloads to FILE.part and renames to FILE when complete. A .part left by an interrupted run is
 * continued with an HTTP Range request; a server that ignores Range sends it whole again.
 */
export async function download(url: string, destination: string, progress: boolean, headers: Record<string, string> = {}): Promise<void> {
  const partial = `${destination}.part`;
  const have = existsSync(partial) ? statSync(partial).size : 0;
  let response: Response;
  try {
    response = await fetch(url, { headers: { ...headers, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) }, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new VigilError(
      'NETWORK_UNAVAILABLE',
      `cannot reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? describeError(error)}): without network, fetch the feeds elsewhere and run "vigil db import PATH..."`,
    );
  }
  if (response.status === 416 && have > 0) {
    // The part file already holds everything the server has.
    renameSync(partial, destination);
    return;
  }
  if (!response.ok || !response.body) {
    throw new VigilError('NETWORK_UNAVAILABLE', `${url} answered ${response.status} ${response.statusText}`);
  }
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = resumed ? have + length : length;
  let done = resumed ? have : 0;
  const bar =
    progress && Number.isFinite(total)
      ? new cliProgress.SingleBar({ stream: process.stderr, format: `${new URL(url).pathname.split('/').pop()} {bar} {percentage}%`, clearOnComplete: true })
      : undefined;
  bar?.start(total, done);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar?.update(done);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), counter, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }));
  } catch (error) {
    throw new VigilError('NETWORK_UNAVAILABLE', `the download of ${url} was cut off (${describeError(error)}); run "vigil db update" again to continue it`);
  } finally {
    bar?.stop();
  }
  if (Number.isFinite(total) && done !== total) {
    throw new VigilError('NETWORK_UNAVAILABLE', `the download of ${url} stopped at ${done} of ${total} bytes; run "vigil db update" again to continue it`);
  }
  renameSync(partial, destination);
}
