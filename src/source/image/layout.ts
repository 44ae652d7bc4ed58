/**
 * @module Resolves an OCI image layout (a folder or an oci-archive) to one image: index.json,
 * nested image indexes at any depth, the platform choice, the manifest and the config.
 * @see https://github.com/opencontainers/image-spec/blob/main/image-layout.md
 * @see https://github.com/opencontainers/image-spec/blob/main/image-index.md
 */
import { VigilError } from '../../errors.js';
import type { Warning } from '../../model/warning.js';
import { readSmallFile, type ArchiveFiles } from './archive-files.js';
import { blobPath, isDigest, isObject, parseJson, readVerifiedBlob } from './blobs.js';
import { choosePlatform, type Platform } from './platform.js';
import { configDiffIds, configPlatform, type ImageLayerBlob, type ResolvedImage } from './resolved-image.js';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);
/** Layers that registries keep elsewhere (Windows base layers); an archive may lack them. */
const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);
const REF_NAME = 'org.opencontainers.image.ref.name';
const MAX_INDEX_DEPTH = 8;

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: Platform;
  annotations: Record<string, string>;
}

interface Candidate {
  manifestDigest: string;
  platform: Platform;
  tags: string[];
  /** Manifest and config already read when the platform had to be learnt from the config. */
  loaded?: LoadedManifest;
}

interface LoadedManifest {
  manifest: Record<string, unknown>;
  configDigest: string;
  config: Record<string, unknown>;
}

function parseDescriptor(value: unknown, label: string, where: string): Descriptor {
  if (!isObject(value) || !isDigest(value.digest)) {
    throw new VigilError('TARGET_CORRUPT', `${label}: ${where} has a descriptor without a valid digest`);
  }
  const annotations: Record<string, string> = {};
  if (isObject(value.annotations)) {
    for (const [key, entry] of Object.entries(value.annotations)) if (typeof entry === 'string') annotations[key] = entry;
  }
  const descriptor: Descriptor = { digest: value.digest, annotations };
  if (typeof value.mediaType === 'string') descriptor.mediaType = value.mediaType;
  if (typeof value.size === 'number') descriptor.size = value.size;
  if (isObject(value.platform) && typeof value.platform.os === 'string' && typeof value.platform.architecture === 'string') {
    descriptor.platform = configPlatform(value.platform);
  }
  return descriptor;
}

function descriptorList(document: unknown, key: string, label: string, where: string): Descriptor[] {
  if (!isObject(document) || !Array.isArray(document[key])) {
    throw new VigilError('TARGET_CORRUPT', `${label}: ${where} has no "${key}" list`);
  }
  return (document[key] as unknown[]).map((entry) => parseDescriptor(entry, label, where));
}

/** Whether a document is an index (has manifests) or a manifest (has layers), from its content. */
function documentKind(document: unknown): 'index' | 'manifest' | undefined {
  if (!isObject(document)) return undefined;
  if (typeof document.mediaType === 'string') {
    if (INDEX_TYPES.has(document.mediaType)) return 'index';
    if (MANIFEST_TYPES.has(document.mediaType)) return 'manifest';
  }
  if (Array.isArray(document.manifests)) return 'index';
  if (Array.isArray(document.layers) && isObject(document.config)) return 'manifest';
  return undefined;
}

async function loadManifest(files: ArchiveFiles, digest: string, manifestBytes?: Buffer): Promise<LoadedManifest> {
  const bytes = manifestBytes ?? (await readVerifiedBlob(files, digest, 'image manifest'));
  const manifest = parseJson(bytes, files.label, `image manifest ${digest}`);
  if (!isObject(manifest) || !Array.isArray(manifest.layers)) {
    throw new VigilError('TARGET_CORRUPT', `${files.label}: the image manifest ${digest} has no layer list`);
  }
  const configDescriptor = parseDescriptor(manifest.config, files.label, `the image manifest ${digest}`);
  const config = parseJson(await readVerifiedBlob(files, configDescriptor.digest, 'image config'), files.label, `image config ${configDescriptor.digest}`);
  if (!isObject(config)) throw new VigilError('TARGET_CORRUPT', `${files.label}: the image config ${configDescriptor.digest} is not a JSON object`);
  return { manifest, configDigest: configDescriptor.digest, config };
}

/** Collects every image manifest reachable from a list of descriptors, through nested indexes. */
async function collectCandidates(
  files: ArchiveFiles,
  descriptors: Descriptor[],
  inheritedTags: string[],
  depth: number,
  out: Candidate[],
): Promise<void> {
  if (depth > MAX_INDEX_DEPTH) throw new VigilError('TARGET_CORRUPT', `${files.label}: image indexes are nested more than ${MAX_INDEX_DEPTH} deep`);
  for (const descriptor of descriptors) {
    const ref = descriptor.annotations[REF_NAME];
    const tags = ref ? [...inheritedTags, ref] : inheritedTags;
    // Attestations and signatures ride along in indexes as manifests for platform unknown/unknown.
    if (descriptor.platform?.os === 'unknown' || descriptor.annotations['vnd.docker.reference.type']) continue;
    let kind: 'index' | 'manifest' | undefined = descriptor.mediaType
      ? INDEX_TYPES.has(descriptor.mediaType)
        ? 'index'
        : MANIFEST_TYPES.has(descriptor.mediaType)
          ? 'manifest'
          : undefined
      : undefined;
    let bytes: Buffer | undefined;
    if (!kind) {
      if (descriptor.mediaType) continue; // Some other artifact.
      bytes = await readVerifiedBlob(files, descriptor.digest, 'manifest');
      kind = documentKind(parseJson(bytes, files.label, `document ${descriptor.digest}`));
      if (!kind) continue;
    }
    if (kind === 'index') {
      bytes ??= await readVerifiedBlob(files, descriptor.digest, 'image index');
      const nested = descriptorList(parseJson(bytes, files.label, `image index ${descriptor.digest}`), 'manifests', files.label, `the image index ${descriptor.digest}`);
      await collectCandidates(files, nested, tags, depth + 1, out);
      continue;
    }
    if (descriptor.platform) {
      out.push({ manifestDigest: descriptor.digest, platform: descriptor.platform, tags });
    } else {
      const loaded = await loadManifest(files, descriptor.digest, bytes);
      out.push({ manifestDigest: descriptor.digest, platform: configPlatform(loaded.config), tags, loaded });
    }
  }
}

/** Reads an OCI image layout and resolves the image for the wanted platform. */
export async function resolveOciLayout(files: ArchiveFiles, wantedPlatform: string | undefined, warnings: Warning[]): Promise<ResolvedImage> {
  if ((await files.size('oci-layout')) === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label} has no oci-layout file: it is not an OCI image layout`);
  const layoutFile = parseJson(await readSmallFile(files, 'oci-layout'), files.label, 'oci-layout file');
  if (!isObject(layoutFile) || typeof layoutFile.imageLayoutVersion !== 'string') {
    throw new VigilError('TARGET_CORRUPT', `${files.label}: the oci-layout file has no imageLayoutVersion`);
  }
  if ((await files.size('index.json')) === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label} has no index.json`);
  const index = parseJson(await readSmallFile(files, 'index.json'), files.label, 'index.json');
  const candidates: Candidate[] = [];
  await collectCandidates(files, descriptorList(index, 'manifests', files.label, 'index.json'), [], 0, candidates);
  const chosen = choosePlatform(candidates, wantedPlatform, files.label);
  const loaded = chosen.loaded ?? (await loadManifest(files, chosen.manifestDigest));
  const diffIds = configDiffIds(loaded.config);
  const layerDescriptors = descriptorList(loaded.manifest, 'layers', files.label, `the image manifest ${chosen.manifestDigest}`);
  if (diffIds.length !== layerDescriptors.length) {
    warnings.push({
      code: 'IMAGE_CONFIG_MISMATCH',
      message: `the image config lists ${diffIds.length} diff_ids for ${layerDescriptors.length} layers; uncompressed layer digests are not checked`,
    });
  }
  const layers: ImageLayerBlob[] = [];
  for (const [index, descriptor] of layerDescriptors.entries()) {
    const file = blobPath(descriptor.digest);
    const size = await files.size(file);
    if (size === undefined) {
      if (descriptor.mediaType && FOREIGN_LAYER_TYPES.has(descriptor.mediaType)) {
        warnings.push({ code: 'LAYER_NOT_INCLUDED', message: `layer ${index} (${descriptor.digest}) is a foreign layer the archive does not include; it is skipped` });
        continue;
      }
      throw new VigilError('TARGET_CORRUPT', `${files.label}: layer ${index} blob ${descriptor.digest} is missing`);
    }
    if (descriptor.size !== undefined && descriptor.size !== size) {
      throw new VigilError('TARGET_CORRUPT', `${files.label}: layer ${index} blob ${descriptor.digest} is ${size} bytes, the manifest says ${descriptor.size}`);
    }
    const layer: ImageLayerBlob = { index, file, digest: descriptor.digest, size };
    if (diffIds.length === layerDescriptors.length && isDigest(diffIds[index])) layer.diffId = diffIds[index];
    if (descriptor.mediaType) layer.mediaType = descriptor.mediaType;
    layers.push(layer);
  }
  return {
    manifestDigest: chosen.manifestDigest,
    imageId: loaded.configDigest,
    platform: chosen.platform.variant ? chosen.platform : configPlatformOr(loaded.config, chosen.platform),
    layers,
    tags: [...new Set(chosen.tags)],
  };
}

/** The config's own platform fills in a variant the index left out. */
function configPlatformOr(config: Record<string, unknown>, fallback: Platform): Platform {
  const fromConfig = configPlatform(config);
  if (fromConfig.os === fallback.os && fromConfig.architecture === fallback.architecture && fromConfig.variant) return fromConfig;
  return fallback;
}
