/**
 * @module Keeps file contents in the private temporary folder under generated names, within the
 * total extraction budget.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export class ContentStore {
  private counter = 0;
  private used = 0;
  /** Set once a file did not fit: the budget is spent. */
  exhausted = false;

  constructor(
    private readonly dir: string,
    private readonly budget: number,
  ) {}

  /** Whether `size` more bytes fit in the budget; reserves them when they do. */
  reserve(size: number): boolean {
    if (this.used + size > this.budget) {
      this.exhausted = true;
      return false;
    }
    this.used += size;
    return true;
  }

  /** Writes a stream to a new file (its size already reserved) and returns the file's path. */
  async write(stream: AsyncIterable<Buffer>): Promise<string> {
    const path = join(this.dir, `content-${++this.counter}`);
    await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
    return path;
  }

  get bytesUsed(): number {
    return this.used;
  }
}
