/**
 * @module Builds small container images for tests, in memory: layers from path specs, packed as
 * an OCI layout folder, an oci-archive or a docker-archive, optionally multi-platform.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export const whiteout = { whiteout: true } as const;
export const opaque = { opaque: true } as const;

/** What one path of a layer holds. The key of a whiteout is the path it deletes; of opaque, the directory. */
export type EntrySpec =
  | string
  | Buffer
  | { symlink: string }
  | { hardlink: string }
  | { dir: true }
  | typeof whiteout
  | typeof opaque;

/** A layer: entries in order (an object keeps insertion order, except for integer-like keys). */
export type LayerSpec = Record<string, EntrySpec> | Array<[string, EntrySpec]>;

export type Compression = 'none' | 'gzip' | 'zstd';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  platform?: Platform;
  compression?: Compression;
}

export interface BuiltLayer {
  blob: Buffer;
  digest: string;
  diffId: string;
  mediaType: string;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Packs tar entries into a buffer. */
export async function packTar(entries: Array<{ header: tar.Header | (Partial<tar.Header> & { name: string }); data?: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  // Read while writing: pack holds back an entry's callback until its bytes are consumed.
  const chunks: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const { header, data } of entries) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ mtime: new Date(0), ...header }, data ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  await reading;
  return Buffer.concat(chunks);
}

function layerEntries(spec: LayerSpec): Array<{ header: Partial<tar.Header> & { name: string }; data?: Buffer }> {
  const pairs = Array.isArray(spec) ? spec : Object.entries(spec);
  return pairs.map(([path, entry]) => {
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      const data = Buffer.from(entry);
      return { header: { name: path, type: 'file', mode: 0o644, size: data.length }, data };
    }
    if ('symlink' in entry) return { header: { name: path, type: 'symlink', linkname: entry.symlink, mode: 0o777 } };
    if ('hardlink' in entry) return { header: { name: path, type: 'link', linkname: entry.hardlink, mode: 0o644 } };
    if ('dir' in entry) return { header: { name: path.endsWith('/') ? path : `${path}/`, type: 'directory', mode: 0o755 } };
    const slash = path.lastIndexOf('/');
    const dir = slash === -1 ? '' : path.slice(0, slash + 1);
    if ('whiteout' in entry) return { header: { name: `${dir}.wh.${path.slice(slash + 1)}`, type: 'file', mode: 0o644 } };
    return { header: { name: `${path.replace(/\/$/, '')}/.wh..wh..opq`, type: 'file', mode: 0o644 } };
  });
}

export function zstdCompress(data: Buffer): Buffer | undefined {
  const result = spawnSync('zstd', ['-q', '-c'], { input: data, maxBuffer: 1024 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export async function makeLayer(spec: LayerSpec, compression: Compression = 'none'): Promise<BuiltLayer> {
  const tarBytes = await packTar(layerEntries(spec));
  let blob = tarBytes;
  let mediaType = 'application/vnd.oci.image.layer.v1.tar';
  if (compression === 'gzip') {
    blob = gzipSync(tarBytes);
    mediaType += '+gzip';
  } else if (compression === 'zstd') {
    const compressed = zstdCompress(tarBytes);
    if (!compressed) throw new Error('the zstd command is needed for zstd layers');
    blob = compressed;
    mediaType += '+zstd';
  }
  return { blob, digest: sha256(blob), diffId: sha256(tarBytes), mediaType };
}

/** The files of an archive by relative name. */
export type ArchiveFileMap = Map<string, Buffer>;

interface BuiltImage {
  manifestDigest: string;
  manifestBytes: Buffer;
  configDigest: string;
  configBytes: Buffer;
  layers: BuiltLayer[];
  platform: Platform;
}

async function buildImage(image: ImageSpec, files: ArchiveFileMap): Promise<BuiltImage> {
  const platform = image.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers: BuiltLayer[] = [];
  for (const spec of image.layers) layers.push(await makeLayer(spec, image.compression ?? 'none'));
  const configBytes = Buffer.from(
    JSON.stringify({
      ...platform,
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    }),
  );
  const configDigest = sha256(configBytes);
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
      layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.blob.length })),
    }),
  );
  const manifestDigest = sha256(manifestBytes);
  files.set(`blobs/${configDigest.replace(':', '/')}`, configBytes);
  files.set(`blobs/${manifestDigest.replace(':', '/')}`, manifestBytes);
  for (const layer of layers) files.set(`blobs/${layer.digest.replace(':', '/')}`, layer.blob);
  return { manifestDigest, manifestBytes, configDigest, configBytes, layers, platform };
}

export interface OciLayoutOptions {
  /** The org.opencontainers.image.ref.name annotation. */
  tag?: string;
  /** Put the platform manifests in an image index blob that index.json points to (as registries and skopeo do). */
  nestedIndex?: boolean;
  /** Leave the platform out of the descriptors, so it must be read from the config. */
  omitDescriptorPlatform?: boolean;
}

export interface BuiltLayout {
  files: ArchiveFileMap;
  images: BuiltImage[];
}

/** An OCI image layout (one image, or several platforms). */
export async function ociLayoutFiles(images: ImageSpec | ImageSpec[], options: OciLayoutOptions = {}): Promise<BuiltLayout> {
  const list = Array.isArray(images) ? images : [images];
  const files: ArchiveFileMap = new Map();
  const built: BuiltImage[] = [];
  for (const image of list) built.push(await buildImage(image, files));
  const annotations = options.tag ? { 'org.opencontainers.image.ref.name': options.tag } : undefined;
  const manifestDescriptors = built.map((image) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: image.manifestDigest,
    size: image.manifestBytes.length,
    ...(options.omitDescriptorPlatform ? {} : { platform: image.platform }),
  }));
  let top: object[];
  if (options.nestedIndex) {
    const indexBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: manifestDescriptors }));
    const indexDigest = sha256(indexBytes);
    files.set(`blobs/${indexDigest.replace(':', '/')}`, indexBytes);
    top = [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: indexBytes.length, ...(annotations ? { annotations } : {}) }];
  } else {
    top = manifestDescriptors.map((descriptor) => ({ ...descriptor, ...(annotations ? { annotations } : {}) }));
  }
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: top })));
  return { files, images: built };
}

export interface DockerArchiveOptions {
  tags?: string[];
  /** 'legacy': <id>/layer.tar and <hex>.json (docker before 25); 'blobs': blobs/sha256 (docker 25+). */
  layout?: 'legacy' | 'blobs';
}

/** A docker-archive holding one image per spec. Layers must be uncompressed, as docker save writes them. */
export async function dockerArchiveFiles(images: ImageSpec | ImageSpec[], options: DockerArchiveOptions = {}): Promise<BuiltLayout> {
  const list = Array.isArray(images) ? images : [images];
  const files: ArchiveFileMap = new Map();
  const built: BuiltImage[] = [];
  const manifest: object[] = [];
  for (const image of list) {
    const scratch: ArchiveFileMap = new Map();
    const one = await buildImage(image, scratch);
    built.push(one);
    const hex = one.configDigest.slice('sha256:'.length);
    if (options.layout === 'blobs') {
      for (const [name, data] of scratch) files.set(name, data);
      manifest.push({
        Config: `blobs/sha256/${hex}`,
        RepoTags: options.tags ?? [],
        Layers: one.layers.map((layer) => `blobs/${layer.digest.replace(':', '/')}`),
      });
    } else {
      files.set(`${hex}.json`, one.configBytes);
      const layerNames = one.layers.map((layer, index) => {
        const id = createHash('sha256').update(`${hex}/${index}`).digest('hex');
        files.set(`${id}/layer.tar`, layer.blob);
        files.set(`${id}/VERSION`, Buffer.from('1.0'));
        return `${id}/layer.tar`;
      });
      manifest.push({ Config: `${hex}.json`, RepoTags: options.tags ?? [], Layers: layerNames });
    }
  }
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  return { files, images: built };
}

/** Writes archive files into a folder. */
export function writeFolder(dir: string, files: ArchiveFileMap): string {
  for (const [name, data] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

/** Packs archive files into a tar file (directories first, as real tools do), optionally gzip-compressed. */
export async function writeTar(path: string, files: ArchiveFileMap, options: { gzip?: boolean } = {}): Promise<string> {
  const dirs = new Set<string>();
  for (const name of files.keys()) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries = [
    ...[...dirs].sort().map((name) => ({ header: { name: `${name}/`, type: 'directory' as const, mode: 0o755 } })),
    ...[...files].map(([name, data]) => ({ header: { name, type: 'file' as const, mode: 0o644, size: data.length }, data })),
  ];
  const bytes = await packTar(entries);
  writeFileSync(path, options.gzip ? gzipSync(bytes) : bytes);
  return path;
}
