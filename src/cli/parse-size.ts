/** @module Sizes, counts and durations as users type them: 512M, 2G, 5000, 15m, 90s. */
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

export function parseCount(input: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(input) || Number(input) <= 0 || !Number.isSafeInteger(Number(input))) {
    throw new VigilError('INVALID_ARGUMENT', `${flag} takes a positive whole number, not "${input}"`);
  }
  return Number(input);
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "15m", "90s", "1.5h", "500ms"; a bare number is seconds. */
export function parseDuration(input: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(input);
  const ms = match ? Number(match[1]) * durationUnits[(match[2] ?? 's').toLowerCase()]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new VigilError('INVALID_ARGUMENT', `${flag} takes a duration such as 15m, 90s or 1h, not "${input}"`);
  }
  return Math.round(ms);
}
