/**
 * @module Resolves a docker-archive (the output of `docker save` or `skopeo copy … docker-archive:`)
 * to one image: manifest.json's Config, RepoTags and Layers, in the legacy `<id>/layer.tar` layout
 * or the newer one with blobs/sha256.
 * @see https://github.com/moby/moby/blob/master/image/spec/v1.2.md
 */
import { createHash } from 'node:crypto';
import { VigilError } from '../../errors.js';
import type { Warning } from '../../model/warning.js';
import { readSmallFile, type ArchiveFiles } from './archive-files.js';
import { isDigest, isObject, parseJson } from './blobs.js';
import { choosePlatform, type Platform } from './platform.js';
import { configDiffIds, configPlatform, type ImageLayerBlob, type ResolvedImage } from './resolved-image.js';
import { normalizeMemberName } from './tar-index.js';

interface DockerEntry {
  configFile: string;
  tags: string[];
  layerFiles: string[];
}

interface Candidate extends DockerEntry {
  platform: Platform;
  imageId: string;
  config: Record<string, unknown>;
}

/** The digest a file name states: `blobs/sha256/<hex>` or `<hex>.json` / `<hex>.tar`. */
function digestFromName(name: string): string | undefined {
  const blob = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(name);
  if (blob) return isDigest(`${blob[1]}:${blob[2]}`) ? `${blob[1]}:${blob[2]}` : undefined;
  const bare = /^([a-f0-9]{64})\.(json|tar)$/.exec(name);
  return bare ? `sha256:${bare[1]}` : undefined;
}

function parseManifestList(document: unknown, label: string): DockerEntry[] {
  if (!Array.isArray(document) || document.length === 0) {
    throw new VigilError('TARGET_CORRUPT', `${label}: manifest.json is not a non-empty list of images`);
  }
  return document.map((entry, position) => {
    if (!isObject(entry) || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
      throw new VigilError('TARGET_CORRUPT', `${label}: manifest.json entry ${position} lacks Config or Layers`);
    }
    const tags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((tag): tag is string => typeof tag === 'string') : [];
    return { configFile: normalizeMemberName(entry.Config), tags, layerFiles: (entry.Layers as string[]).map(normalizeMemberName) };
  });
}

async function loadCandidate(files: ArchiveFiles, entry: DockerEntry): Promise<Candidate> {
  if ((await files.size(entry.configFile)) === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label}: the image config ${entry.configFile} is missing`);
  const bytes = await readSmallFile(files, entry.configFile);
  const imageId = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const named = digestFromName(entry.configFile);
  if (named && named.startsWith('sha256:') && named !== imageId) {
    throw new VigilError('TARGET_CORRUPT', `${files.label}: the image config ${entry.configFile} does not match its digest (it hashes to ${imageId})`);
  }
  const config = parseJson(bytes, files.label, `image config ${entry.configFile}`);
  if (!isObject(config)) throw new VigilError('TARGET_CORRUPT', `${files.label}: the image config ${entry.configFile} is not a JSON object`);
  return { ...entry, platform: configPlatform(config), imageId, config };
}

/** The manifest digest a newer docker save records in its index.json for this config, if any. */
async function findManifestDigest(files: ArchiveFiles, imageId: string): Promise<string> {
  if ((await files.size('index.json')) === undefined) return '';
  try {
    const index = JSON.parse((await readSmallFile(files, 'index.json')).toString('utf8')) as unknown;
    if (!isObject(index) || !Array.isArray(index.manifests)) return '';
    for (const descriptor of index.manifests as unknown[]) {
      if (!isObject(descriptor) || !isDigest(descriptor.digest)) continue;
      const name = `blobs/${descriptor.digest.replace(':', '/')}`;
      const size = await files.size(name);
      if (size === undefined || size > 4 * 1024 * 1024) continue;
      const manifest = JSON.parse((await readSmallFile(files, name)).toString('utf8')) as unknown;
      if (isObject(manifest) && isObject(manifest.config) && manifest.config.digest === imageId) return descriptor.digest;
    }
  } catch {
    // index.json is a bonus in a docker-archive; without it there is no manifest digest.
  }
  return '';
}

export async function resolveDockerArchive(files: ArchiveFiles, wantedPlatform: string | undefined, warnings: Warning[]): Promise<ResolvedImage> {
  if ((await files.size('manifest.json')) === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label} has no manifest.json: it is not a docker-archive`);
  const entries = parseManifestList(parseJson(await readSmallFile(files, 'manifest.json'), files.label, 'manifest.json'), files.label);
  const candidates: Candidate[] = [];
  for (const entry of entries) candidates.push(await loadCandidate(files, entry));
  const chosen = choosePlatform(candidates, wantedPlatform, files.label);
  const diffIds = configDiffIds(chosen.config);
  if (diffIds.length !== chosen.layerFiles.length) {
    warnings.push({
      code: 'IMAGE_CONFIG_MISMATCH',
      message: `the image config lists ${diffIds.length} diff_ids for ${chosen.layerFiles.length} layers; uncompressed layer digests are not checked`,
    });
  }
  const layers: ImageLayerBlob[] = [];
  for (const [index, file] of chosen.layerFiles.entries()) {
    const size = await files.size(file);
    if (size === undefined) throw new VigilError('TARGET_CORRUPT', `${files.label}: layer ${index} file ${file} is missing`);
    const layer: ImageLayerBlob = { index, file, size };
    const digest = digestFromName(file);
    if (digest && !file.endsWith('.json')) layer.digest = digest;
    if (diffIds.length === chosen.layerFiles.length && isDigest(diffIds[index])) layer.diffId = diffIds[index];
    layers.push(layer);
  }
  return {
    manifestDigest: await findManifestDigest(files, chosen.imageId),
    imageId: chosen.imageId,
    platform: chosen.platform,
    layers,
    tags: chosen.tags,
  };
}
