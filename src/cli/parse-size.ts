/** @module Byte sizes as users type them: 1048576, 512K, 100M, 2G, 1.5GiB. */
import { VigilError } from '../errors.js';

const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function parseSize(input: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(input);
  const multiplier = match ? units[match[2]!.toLowerCase()] : undefined;
  if (!match || multiplier === undefined) {
    throw new VigilError('INVALID_ARGUMENT', `${flag} takes a size such as 512M or 2G, not "${input}"`);
  }
  const bytes = Math.floor(Number(match[1]) * multiplier);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new VigilError('INVALID_ARGUMENT', `${flag} must be a positive size, not "${input}"`);
  }
  return bytes;
}
