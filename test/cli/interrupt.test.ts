/**
 * Ctrl-C while an image is being read: the private temporary folder must be gone when vigil exits.
 * The image is an OCI layout whose one layer is a few hundred megabytes, written in streaming
 * fashion so the test itself stays small in memory.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(size.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return header;
}

/** Writes an OCI layout with one uncompressed layer holding `bigBytes` of zeros and a dpkg status. */
function writeBigLayout(dir: string, bigBytes: number): void {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const layerPath = join(dir, 'layer.tmp');
  const fd = openSync(layerPath, 'w');
  const hash = createHash('sha256');
  const put = (chunk: Buffer) => {
    hash.update(chunk);
    writeSync(fd, chunk);
  };
  put(tarHeader('big.bin', bigBytes));
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (let left = bigBytes; left > 0; left -= zeros.length) put(left >= zeros.length ? zeros : zeros.subarray(0, left));
  const status = Buffer.from('Package: a\nStatus: install ok installed\nVersion: 1\n\n');
  put(tarHeader('var/lib/dpkg/status', status.length));
  put(Buffer.concat([status, Buffer.alloc(512 - status.length)]));
  put(Buffer.alloc(1024));
  closeSync(fd);
  const layerDigest = hash.digest('hex');
  const size = 512 + Math.ceil(bigBytes / 512) * 512 + 1024 + 1024;
  renameSync(layerPath, join(dir, 'blobs/sha256', layerDigest));
  const blob = (value: object) => {
    const bytes = Buffer.from(JSON.stringify(value));
    const digest = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs/sha256', digest), bytes);
    return { digest: `sha256:${digest}`, size: bytes.length };
  };
  const config = blob({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] } });
  const manifest = blob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size }],
  });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }] }),
  );
}

describe('vigil sbom interrupted', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'vigil-interrupt-'));
    writeBigLayout(join(work, 'image'), 768 * 1024 * 1024);
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('removes its temporary folder on Ctrl-C and exits 130', async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const child = spawn(process.execPath, [bin, 'sbom', `oci-dir:${join(work, 'image')}`, '--quiet'], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until vigil has made its private folder, then interrupt it.
    const deadline = Date.now() + 20_000;
    while (readdirSync(tmp).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(readdirSync(tmp)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
