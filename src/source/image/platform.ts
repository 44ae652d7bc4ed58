/** @module Image platforms ("os/arch[/variant]"): parsing, matching and choosing one of several. */
import { VigilError } from '../../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const defaultPlatform: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part === '')) {
    throw new VigilError('INVALID_ARGUMENT', `platform "${text}" is not of the form os/arch or os/arch/variant (e.g. linux/arm64)`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The variant an architecture has when none is written (arm64 is v8). */
function effectiveVariant(platform: Platform): string | undefined {
  if (platform.variant) return platform.variant;
  if (platform.architecture === 'arm64') return 'v8';
  return undefined;
}

/** Whether an image's platform satisfies a wanted one; a wanted platform without variant accepts any. */
export function platformMatches(wanted: Platform, actual: Platform): boolean {
  if (wanted.os !== actual.os || wanted.architecture !== actual.architecture) return false;
  if (!wanted.variant) return true;
  return effectiveVariant(wanted) === effectiveVariant(actual);
}

/**
 * Chooses among candidate images: the asked platform when given; otherwise linux/amd64, else the
 * only platform present. Throws PLATFORM_NOT_FOUND naming the platforms there are.
 */
export function choosePlatform<T extends { platform: Platform }>(candidates: readonly T[], wanted: string | undefined, label: string): T {
  if (candidates.length === 0) throw new VigilError('TARGET_CORRUPT', `${label} holds no image manifest`);
  const present = [...new Set(candidates.map((candidate) => formatPlatform(candidate.platform)))];
  if (wanted !== undefined) {
    const platform = parsePlatform(wanted);
    const match = candidates.find((candidate) => platformMatches(platform, candidate.platform));
    if (match) return match;
    throw new VigilError('PLATFORM_NOT_FOUND', `${label} has no image for ${formatPlatform(platform)}; platforms present: ${present.join(', ')}`);
  }
  const preferred = candidates.find((candidate) => platformMatches(defaultPlatform, candidate.platform));
  if (preferred) return preferred;
  if (present.length === 1) return candidates[0]!;
  throw new VigilError(
    'PLATFORM_NOT_FOUND',
    `${label} has no linux/amd64 image and several others; choose one with --platform: ${present.join(', ')}`,
  );
}
