/**
 * `vigil server` and `vigil keys` as a user runs them (the built binary): the first start makes the
 * default account and prints its admin key once, the key works and a made key works, a revoked
 * key stops working, SIGTERM stops the server with status 0, and bad flags are one line and 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('vigil server and vigil keys', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'vigil-service-cli-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const vigil = (args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VIGIL_HOME: home } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  /** Starts the server on a free port; resolves once it listens. */
  async function startServer() {
    const child = spawn(process.execPath, [bin, 'server', '--port', '0'], { env: { ...process.env, VIGIL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.includes('"vigil server listening"'));
        if (line) resolve(JSON.parse(line).url as string);
      });
      child.on('exit', (code) => reject(new Error(`vigil server exited with ${code}: ${stdout}`)));
    });
    const stop = () => new Promise<number | null>((resolve) => (child.on('exit', (code) => resolve(code)), child.kill('SIGTERM')));
    return { url, stop, output: () => stdout };
  }

  const get = (url: string, key?: string) => fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('makes the admin key on the first start only, takes made keys and refuses revoked ones', async () => {
    const first = await startServer();
    const adminKey = /vgl_[A-Za-z0-9_-]+/.exec(first.output())?.[0];
    expect(adminKey, first.output()).toBeDefined();
    expect(((await (await get(`${first.url}/healthz`)).json()) as { status: string }).status).toBe('ok');
    expect((await get(`${first.url}/v1/resources`, adminKey)).status).toBe(200);
    expect((await get(`${first.url}/v1/resources`)).status).toBe(401);
    expect(await first.stop()).toBe(0);

    const made = vigil(['keys', 'create', '--role', 'read-only']);
    expect(made.code, made.stderr).toBe(0);
    const readOnlyKey = made.stdout.trim();
    expect(readOnlyKey).toMatch(/^vgl_/);
    const listed = vigil(['keys', 'list']);
    expect(listed.stdout.split('\n').filter((l) => l.includes('\tread-only\t'))).toHaveLength(1);
    const readOnlyId = listed.stdout.split('\n').find((l) => l.includes('\tread-only\t'))!.split('\t')[0]!;

    const second = await startServer();
    expect(second.output()).not.toMatch(/vgl_/);
    expect((await get(`${second.url}/v1/resources`, readOnlyKey)).status).toBe(200);
    const write = await fetch(`${second.url}/v1/resources`, { method: 'POST', headers: { authorization: `Bearer ${readOnlyKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'HOST', name: 'h' }) });
    expect(write.status).toBe(403);
    expect(vigil(['keys', 'revoke', readOnlyId]).code).toBe(0);
    expect((await get(`${second.url}/v1/resources`, readOnlyKey)).status).toBe(401);
    expect(await second.stop()).toBe(0);
  }, 60_000);

  it('says what is wrong in one line and exits 2', () => {
    for (const args of [
      ['keys', 'create', '--role', 'owner'],
      ['keys', 'revoke', 'key-nope'],
      ['server', '--port', '70000'],
      ['server', '--database', 'mysql://x'],
    ]) {
      const result = vigil(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
