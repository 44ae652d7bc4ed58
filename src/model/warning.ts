/** @module Problems found inside a target: reported, never fatal. */

export interface Warning {
  /** Stable machine-readable code, for example `MALFORMED_RECORD` or `FILE_TOO_LARGE`. */
  code: string;
  message: string;
  /** The file in the target the warning is about. */
  path?: string;
  /** How many items the warning covers (records skipped, files skipped). */
  count?: number;
}
