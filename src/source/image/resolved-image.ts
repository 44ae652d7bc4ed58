/** @module The image an archive holds, once its manifest and config are read: what the layer pass needs. */
import type { Platform } from './platform.js';

export interface ImageLayerBlob {
  /** Position in the layer list, 0 = base. */
  index: number;
  /** The archive file holding the layer blob. */
  file: string;
  /** The blob digest when the manifest or file name tells it; checked while streaming. */
  digest?: string;
  /** The config's rootfs.diff_ids entry: the digest of the uncompressed tar, checked while streaming. */
  diffId?: string;
  /** Blob size when known. */
  size?: number;
  mediaType?: string;
}

export interface ResolvedImage {
  /** The manifest digest; '' for a docker-archive written without one. */
  manifestDigest: string;
  /** The config digest (the image ID). */
  imageId: string;
  platform: Platform;
  layers: ImageLayerBlob[];
  tags: string[];
}

/** The platform an image config states. */
export function configPlatform(config: Record<string, unknown>): Platform {
  const os = typeof config.os === 'string' ? config.os : 'unknown';
  const architecture = typeof config.architecture === 'string' ? config.architecture : 'unknown';
  const variant = typeof config.variant === 'string' && config.variant !== '' ? config.variant : undefined;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The config's rootfs.diff_ids, or [] when it has none. */
export function configDiffIds(config: Record<string, unknown>): string[] {
  const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
  const ids = rootfs && Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids : [];
  return ids.map((id) => (typeof id === 'string' ? id : ''));
}
