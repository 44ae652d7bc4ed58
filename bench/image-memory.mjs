// Memory benchmark for image archives: generates oci-archives of ~256 MB and ~1 GB (several
// layers of random-content files, uncompressed and gzip layers) in a temporary folder, opens each
// in a fresh Node process with an interest that keeps two small files, and prints wall time and
// peak RSS. RSS should stay flat as the image grows. Run after `npm run build`:
//   node bench/image-memory.mjs [sizeMB ...]
import { spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';

const LAYERS = 4;
const FILE_BYTES = 8 * 1024 * 1024;
const self = fileURLToPath(import.meta.url);

/** A stream of `size` random bytes. */
async function* randomBytes(size) {
  const step = 1024 * 1024;
  for (let left = size; left > 0; left -= step) {
    // A fresh buffer each time: streams downstream may still hold the previous one.
    yield randomFillSync(Buffer.allocUnsafe(Math.min(step, left)));
  }
}

function hashing(hash) {
  return new Transform({
    transform(chunk, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

async function addEntry(pack, header, source) {
  await new Promise((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    pipeline(source, sink).catch(reject);
  });
}

/** Writes one layer blob; returns its digest, diff_id and size. */
async function writeLayer(path, index, bytes, gzip) {
  const pack = tar.pack();
  const diffHash = createHash('sha256');
  const blobHash = createHash('sha256');
  const stages = [pack, hashing(diffHash)];
  if (gzip) stages.push(createGzip({ level: 1 }));
  stages.push(hashing(blobHash), createWriteStream(path));
  const writing = pipeline(stages);
  await addEntry(pack, { name: 'etc/', type: 'directory' }, (async function* () {})());
  const status = Buffer.from(`Package: layer-${index}\nVersion: 1.${index}\n`);
  await addEntry(pack, { name: 'var/lib/dpkg/status', size: status.length }, (async function* () { yield status; })());
  await addEntry(pack, { name: 'etc/os-release', size: 10 }, (async function* () { yield Buffer.from('ID=bench\n\n'); })());
  for (let written = 0, n = 0; written < bytes; written += FILE_BYTES, n++) {
    await addEntry(pack, { name: `data/layer-${index}/file-${n}.bin`, size: FILE_BYTES }, randomBytes(FILE_BYTES));
  }
  pack.finalize();
  await writing;
  return { digest: `sha256:${blobHash.digest('hex')}`, diffId: `sha256:${diffHash.digest('hex')}`, size: statSync(path).size };
}

/** Generates an oci-archive of about `totalBytes` of layer content. */
async function generate(dir, totalBytes, gzip) {
  const layers = [];
  for (let i = 0; i < LAYERS; i++) {
    const path = join(dir, `layer-${i}${gzip ? '.gz' : ''}`);
    layers.push({ path, ...(await writeLayer(path, i, totalBytes / LAYERS, gzip)) });
  }
  const config = Buffer.from(
    JSON.stringify({ os: 'linux', architecture: 'amd64', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }),
  );
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({
        mediaType: `application/vnd.oci.image.layer.v1.tar${gzip ? '+gzip' : ''}`,
        digest: l.digest,
        size: l.size,
      })),
    }),
  );
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length }],
    }),
  );
  const archive = join(dir, `image-${totalBytes >> 20}mb${gzip ? '-gzip' : ''}.tar`);
  const pack = tar.pack();
  const writing = pipeline(pack, createWriteStream(archive));
  const small = (name, data) => addEntry(pack, { name, size: data.length }, (async function* () { yield data; })());
  await small('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
  await small('index.json', index);
  await small(`blobs/sha256/${configDigest.slice(7)}`, config);
  await small(`blobs/sha256/${manifestDigest.slice(7)}`, manifest);
  for (const layer of layers) {
    await addEntry(pack, { name: `blobs/sha256/${layer.digest.slice(7)}`, size: layer.size }, createReadStream(layer.path));
    rmSync(layer.path);
  }
  pack.finalize();
  await writing;
  return archive;
}

/** Child mode: open the archive, report time and peak RSS. */
async function measure(archive) {
  const { openImageArchive } = await import('../dist/source/image/index.js');
  const tempDir = mkdtempSync(join(tmpdir(), 'vigil-bench-open-'));
  const started = performance.now();
  try {
    const { tree, warnings } = await openImageArchive(
      { kind: 'oci-archive', path: archive },
      {
        interest: (path) => path === '/var/lib/dpkg/status' || path === '/etc/os-release',
        limits: { maxFileBytes: 512 << 20, maxLayerBytes: 16 * 2 ** 30, maxExtractBytes: 8 * 2 ** 30 },
        tempDir,
      },
    );
    const status = await tree.lookup('/var/lib/dpkg/status');
    const versions = await tree.versions(status);
    const wallMs = Math.round(performance.now() - started);
    process.stdout.write(
      JSON.stringify({ wallMs, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), versions: versions.length, warnings: warnings.length }),
    );
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv[2] === '--measure') return measure(process.argv[3]);
  const sizes = (process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [256, 1024]).map((mb) => mb * 1024 * 1024);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-image-'));
  const results = [];
  try {
    for (const gzip of [false, true]) {
      for (const size of sizes) {
        const archive = await generate(dir, size, gzip);
        const child = spawnSync(process.execPath, [self, '--measure', archive], { encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`measuring ${archive} failed: ${child.stderr}`);
        const result = { archiveMB: Math.round(statSync(archive).size / 2 ** 20), layers: gzip ? 'gzip' : 'tar', ...JSON.parse(child.stdout) };
        process.stderr.write(`${result.layers} ${result.archiveMB} MB: ${result.wallMs} ms, peak RSS ${result.maxRssMB} MB\n`);
        results.push(result);
        rmSync(archive);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'image-memory', node: process.version, results }));
}

await main();
