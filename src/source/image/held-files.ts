/**
 * The few files a layered or zip tree holds in memory because they could not be kept on disk
 * (the extraction budget spent), so that a parser's next ranges are cut from memory rather than
 * the file being streamed out of its layer or archive again for each. Two: the catalog driver
 * reads two files in turn (one parsed ahead), and each is held as readFile would hold it.
 */
import type { FileVersion } from './squash-tree.js';

const HELD_FILES = 2;

export class HeldFiles {
  /** The file read last at the end. */
  private readonly held: Array<{ version: FileVersion; bytes: Buffer }> = [];

  /** The bytes of a version, read with `read` unless they are held already. */
  async bytesOf(version: FileVersion, read: () => Promise<Buffer>): Promise<Buffer> {
    const index = this.held.findIndex((file) => file.version === version);
    if (index !== -1) {
      const [file] = this.held.splice(index, 1);
      this.held.push(file!);
      return file!.bytes;
    }
    if (this.held.length >= HELD_FILES) this.held.shift();
    const bytes = await read();
    this.held.push({ version, bytes });
    if (this.held.length > HELD_FILES) this.held.shift();
    return bytes;
  }

  clear(): void {
    this.held.length = 0;
  }
}
