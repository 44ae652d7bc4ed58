/**
 * Real archives from the machine, when it has them: the jars of a Maven local repository
 * (~/.m2/repository) and Debian's /usr/share/maven-repo, compared with what `unzip` reads from
 * their pom.properties and with the repository's own group/artifact/version folders; and a jar
 * the JDK's `jar` tool writes, for its manifest line wrapping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingContext } from '../../../test/harness/catalog.js';
import { parseJavaArchiveBytes } from './parse-archive.js';

const repositories = [join(homedir(), '.m2', 'repository'), '/usr/share/maven-repo'].filter((path) => existsSync(path));
const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const hasJarTool = (() => {
  try {
    execFileSync('jar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Main artifacts laid out as <group path>/<artifactId>/<version>/<artifactId>-<version>.jar. */
function repositoryJars(root: string): Array<{ path: string; groupId: string; artifactId: string; version: string }> {
  const found: Array<{ path: string; groupId: string; artifactId: string; version: string }> = [];
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.jar')) continue;
    const parts = entry.split(sep);
    if (parts.length < 4) continue;
    const [artifactId, version, file] = parts.slice(-3) as [string, string, string];
    if (file !== `${artifactId}-${version}.jar`) continue;
    const path = join(root, entry);
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue; // a dangling link
    }
    found.push({ path, groupId: parts.slice(0, -3).join('.'), artifactId, version });
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** What unzip reads from each pom.properties: "groupId:artifactId@version" (plain key=value lines). */
function unzipPomProperties(jar: string): string[] {
  const names = execFileSync('unzip', ['-Z1', jar], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .filter((name) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(name));
  return names.flatMap((name) => {
    const text = execFileSync('unzip', ['-p', jar, name], { encoding: 'utf8' });
    const value = (key: string) => new RegExp(`^${key}\\s*[=:]\\s*(.*?)\\s*$`, 'm').exec(text)?.[1];
    const [groupId, artifactId, version] = [value('groupId'), value('artifactId'), value('version')];
    return groupId && artifactId && version ? [`${groupId}:${artifactId}@${version}`] : [];
  });
}

describe.skipIf(repositories.length === 0 || !hasUnzip)('java-archive on real Maven repository jars', () => {
  for (const root of repositories) {
    it(`agrees with unzip and the folder layout in ${root}`, async () => {
      const all = repositoryJars(root);
      // Every jar is parsed; a spread sample of at most 80 is compared with unzip (a process each).
      const step = Math.max(1, Math.ceil(all.length / 80));
      let compared = 0;
      let fromFolders = 0;
      let guessed = 0;
      for (const [index, jar] of all.entries()) {
        const { ctx, warnings } = recordingContext();
        const packages = await parseJavaArchiveBytes(readFileSync(jar.path), jar.path, ctx);
        expect(warnings, jar.path).toEqual([]);
        // Without pom.properties nothing may be guessed: what is stated must be the repository's own coordinates.
        const alias = jar.version === 'debian' || /(^|\.)x$/.test(jar.version);
        for (const p of packages.filter((p) => p.metadata?.evidence !== 'pom.properties')) {
          expect(p.name, jar.path).toBe(`${jar.groupId}:${jar.artifactId}`);
          if (!alias) expect(p.version, jar.path).toBe(jar.version);
          guessed++;
        }
        if (index % step !== 0) continue;
        const fromPom = packages.filter((p) => p.metadata?.evidence === 'pom.properties').map((p) => `${p.name}@${p.version}`);
        expect(fromPom.sort(), jar.path).toEqual(unzipPomProperties(jar.path).sort());
        compared++;
        // Debian's maven-repo also lists each artifact under alias versions ("debian", "3.x"), links to the real jar.
        if (fromPom.some((line) => line.startsWith(`${jar.groupId}:${jar.artifactId}@`)) && !alias) {
          expect(fromPom, jar.path).toContain(`${jar.groupId}:${jar.artifactId}@${jar.version}`);
          fromFolders++;
        }
      }
      console.info(`java-archive: ${all.length} jars parsed in ${relative('/', root)}, ${compared} compared with unzip, ${fromFolders} with their folders, ${guessed} identified by manifest or file name`);
      expect(compared).toBeGreaterThan(0);
    }, 120_000);
  }
});

describe.skipIf(!hasJarTool)('java-archive on a jar the JDK jar tool writes', () => {
  it('reads the manifest back through the JDK line wrapping', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-jar-tool-'));
    try {
      mkdirSync(join(root, 'classes', 'com', 'example'), { recursive: true });
      writeFileSync(join(root, 'classes', 'com', 'example', 'Hello.txt'), 'hello');
      const title = 'Ümlaut-heavy títle ' + 'ü'.repeat(60);
      writeFileSync(
        join(root, 'manifest.txt'),
        `Implementation-Title: ${title}\nImplementation-Version: 4.2.0\nImplementation-Vendor-Id: com.example.tools\n`,
      );
      const jar = join(root, 'hello-tool-4.2.0.jar');
      execFileSync('jar', ['--create', '--file', jar, '--manifest', join(root, 'manifest.txt'), '-C', join(root, 'classes'), '.']);
      const bytes = readFileSync(jar);
      const { ctx, warnings, skipped } = recordingContext();
      const packages = await parseJavaArchiveBytes(bytes, '/opt/hello-tool-4.2.0.jar', ctx);
      expect({ warnings, skipped }).toEqual({ warnings: [], skipped: [] });
      expect(packages.map((p) => `${p.name}@${p.version}`)).toEqual(['com.example.tools:hello-tool@4.2.0']);
      expect(packages[0]!.metadata).toMatchObject({ evidence: 'filename', implementationTitle: title });
      // The JDK really did wrap the title over several lines.
      expect(execFileSync('unzip', ['-p', jar, 'META-INF/MANIFEST.MF'], { encoding: 'utf8' })).toMatch(/\r?\n /);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
