/** @module What SBOM readers share: their options and the note they leave for skipped entries. */
import type { Warning } from '../model/warning.js';

export interface ReadSbomOptions {
  /** Where the SBOM was read from; becomes the target path when the document does not record one. */
  path?: string;
  /** Clock for documents without a creation time. */
  now?: () => Date;
}

/** Counts entries a reader leaves out and turns them into one warning. */
export class SkipTally {
  private count = 0;
  private first: string | undefined;

  constructor(private readonly code: string, private readonly what: string) {}

  skip(reason: string): void {
    this.count++;
    this.first ??= reason;
  }

  warnings(): Warning[] {
    if (this.count === 0) return [];
    return [
      {
        code: this.code,
        message: `${this.count} ${this.what} left out: none has a purl of a package type Vigil models (first: ${this.first})`,
        count: this.count,
      },
    ];
  }
}
