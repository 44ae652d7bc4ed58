import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { javaPomCataloger } from './index.js';
import { interpolate, parsePom } from './parse-pom.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/java-pomxml/', import.meta.url));

/** "name@version", with " dev" for development packages. */
function lines(packages: Array<{ name: string; version: string; development?: boolean }>): string[] {
  return packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`);
}

async function parseText(text: string | Buffer, others: Record<string, string> = {}) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parsePom(memoryFile('/src/pom.xml', text, others), ctx);
  return { packages, skipped, warnings };
}

describe('java-pom cataloger', () => {
  it('reads a multi-module build: parent properties and managed versions, child overrides, test scope', async () => {
    const result = await catalogTester()
      .fromDirectory('java-pom/multi-module')
      .withCatalogers(javaPomCataloger)
      .expectsPackages([
        'com.example.shop:shop-parent@2.4.0-SNAPSHOT pkg:maven/com.example.shop/shop-parent@2.4.0-SNAPSHOT',
        'com.example.shop:shop-lib@2.4.0-SNAPSHOT pkg:maven/com.example.shop/shop-lib@2.4.0-SNAPSHOT',
        'com.example.shop:shop-app@2.4.0-SNAPSHOT pkg:maven/com.example.shop/shop-app@2.4.0-SNAPSHOT',
        'org.springframework.boot:spring-boot-dependencies@3.2.0 pkg:maven/org.springframework.boot/spring-boot-dependencies@3.2.0',
        'com.fasterxml.jackson.core:jackson-databind@2.15.3 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.3',
        'com.fasterxml.jackson.core:jackson-databind@2.16.0 pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.16.0',
        'org.junit.jupiter:junit-jupiter@5.10.1 pkg:maven/org.junit.jupiter/junit-jupiter@5.10.1',
        'jakarta.servlet:jakarta.servlet-api@6.0.0 pkg:maven/jakarta.servlet/jakarta.servlet-api@6.0.0',
        'org.mockito:mockito-core@5.7.0 pkg:maven/org.mockito/mockito-core@5.7.0',
      ]);
    const byName = (name: string, version?: string) => result.packages.find((p) => p.name === name && (!version || p.version === version))!;
    expect(result.packages.filter((p) => p.development).map((p) => p.name).sort()).toEqual(['org.junit.jupiter:junit-jupiter', 'org.mockito:mockito-core']);
    expect(byName('com.example.shop:shop-lib').locations.map((l) => l.path)).toEqual(['/app/pom.xml', '/lib/pom.xml', '/pom.xml']);
    expect(byName('com.example.shop:shop-parent').licenses).toEqual(['Apache License, Version 2.0']);
    expect(byName('com.example.shop:shop-app').metadata).toEqual({ relation: 'project', packaging: 'war', parent: 'com.example.shop:shop-parent:2.4.0-SNAPSHOT' });
    expect(byName('org.springframework.boot:spring-boot-dependencies').metadata).toEqual({ relation: 'managed', scope: 'import', type: 'pom' });
    expect(byName('jakarta.servlet:jakarta.servlet-api').metadata).toEqual({ relation: 'dependency', scope: 'provided' });
    expect(byName('com.fasterxml.jackson.core:jackson-databind', '2.16.0').metadata).toEqual({ relation: 'dependency', versionFrom: 'dependencyManagement' });
    // The build plugin's own dependency (org.ow2.asm) is build tooling, not the project's.
    expect(result.packages.some((p) => p.name === 'org.ow2.asm:asm')).toBe(false);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MALFORMED_RECORD', path: '/app/pom.xml', count: 2 })]);
  });

  it('returns the exact package shape', async () => {
    const { packages } = await parseText(
      '<project><dependencies><dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.9</version><optional>true</optional></dependency></dependencies></project>',
    );
    expect(packages).toEqual([
      {
        name: 'org.slf4j:slf4j-api',
        version: '2.0.9',
        type: 'maven',
        purl: 'pkg:maven/org.slf4j/slf4j-api@2.0.9',
        ecosystem: 'Maven',
        development: false,
        metadata: { relation: 'dependency', optional: true },
      },
    ]);
  });

  it('expands properties that name properties, built-in project values and entities', async () => {
    const { packages, skipped } = await parseText(`<?xml version="1.0"?>
      <project>
        <parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>7</version></parent>
        <artifactId>widget</artifactId>
        <version>1.2.0</version>
        <properties>
          <netty.major>4.1</netty.major>
          <netty.version>\${netty.major}.100.Final</netty.version>
          <loop.a>\${loop.b}</loop.a>
          <loop.b>\${loop.a}</loop.b>
        </properties>
        <dependencies>
          <dependency><groupId>io.netty</groupId><artifactId>netty-all</artifactId><version>\${netty.version}</version></dependency>
          <dependency><groupId>\${project.groupId}</groupId><artifactId>widget-core</artifactId><version>\${project.version}</version></dependency>
          <dependency><groupId>org.acme</groupId><artifactId>acme-bom</artifactId><version>\${project.parent.version}</version></dependency>
          <dependency><groupId>org.acme</groupId><artifactId>odd</artifactId><version>1.0&amp;x</version></dependency>
          <dependency><groupId>org.acme</groupId><artifactId>loop</artifactId><version>\${loop.a}</version></dependency>
          <dependency><groupId>org.acme</groupId><artifactId>env</artifactId><version>\${env.VERSION}</version></dependency>
        </dependencies>
      </project>`);
    expect(lines(packages)).toEqual([
      'org.acme:widget@1.2.0',
      'io.netty:netty-all@4.1.100.Final',
      'org.acme:widget-core@1.2.0',
      'org.acme:acme-bom@7',
      'org.acme:odd@1.0&x',
    ]);
    expect(packages[0]!.purl).toBe('pkg:maven/org.acme/widget@1.2.0');
    expect(packages[4]!.purl).toBe('pkg:maven/org.acme/odd@1.0%26x');
    expect(skipped).toEqual([
      'org.acme:loop: version "${loop.a}" refers to a property that is not defined here',
      'org.acme:env: version "${env.VERSION}" refers to a property that is not defined here',
    ]);
  });

  it.each([
    ['a range', '[1.0,2.0)'],
    ['a half-open range', '(,1.0]'],
    ['a set of ranges', '[1.0],[1.2]'],
    ['white space', '1.0 beta'],
  ])('skips a version that is %s', async (_what, version) => {
    const { packages, skipped } = await parseText(
      `<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${version}</version></dependency></dependencies></project>`,
    );
    expect(packages).toEqual([]);
    expect(skipped).toHaveLength(1);
  });

  it('reads dependencies of every profile, with the profile named, and its properties', async () => {
    const { packages } = await parseText(`<project>
      <properties><db.version>1.0</db.version></properties>
      <profiles>
        <profile><id>postgres</id><properties><db.version>42.7.0</db.version></properties>
          <dependencies><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>\${db.version}</version></dependency></dependencies>
        </profile>
        <profile><id>it</id>
          <dependencyManagement><dependencies><dependency><groupId>org.testcontainers</groupId><artifactId>testcontainers</artifactId><version>1.19.3</version><scope>test</scope></dependency></dependencies></dependencyManagement>
        </profile>
      </profiles>
    </project>`);
    expect(lines(packages)).toEqual(['org.postgresql:postgresql@42.7.0', 'org.testcontainers:testcontainers@1.19.3 dev']);
    expect(packages[0]!.metadata).toEqual({ relation: 'dependency', profile: 'postgres' });
  });

  it('is one package per purl within a file; development only when every use is a test use', async () => {
    const { packages } = await parseText(`<project>
      <dependencyManagement><dependencies>
        <dependency><groupId>g</groupId><artifactId>both</artifactId><version>1</version></dependency>
        <dependency><groupId>g</groupId><artifactId>managed-only</artifactId><version>1</version></dependency>
      </dependencies></dependencyManagement>
      <dependencies>
        <dependency><groupId>g</groupId><artifactId>both</artifactId><scope>test</scope></dependency>
        <dependency><groupId>g</groupId><artifactId>twice</artifactId><version>1</version><scope>test</scope></dependency>
        <dependency><groupId>g</groupId><artifactId>twice</artifactId><version>1</version><classifier>tests</classifier></dependency>
      </dependencies>
    </project>`);
    expect(lines(packages)).toEqual(['g:both@1 dev', 'g:twice@1', 'g:managed-only@1']);
    expect(packages[2]!.development).toBeUndefined();
  });

  it('follows local parents through relativePath, and only when their coordinates match', async () => {
    const child = `<project><parent><groupId>p</groupId><artifactId>parent</artifactId><version>1</version><relativePath>../parent</relativePath></parent>
      <artifactId>child</artifactId>
      <dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId></dependency></dependencies></project>`;
    const parent = (artifactId: string) => `<project><groupId>p</groupId><artifactId>${artifactId}</artifactId><version>1</version>
      <properties><a.version>3.1</a.version></properties>
      <dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>\${a.version}</version></dependency></dependencies></dependencyManagement></project>`;
    const matching = await parseText(child, { '/parent/pom.xml': parent('parent') });
    expect(lines(matching.packages)).toEqual(['p:child@1', 'g:a@3.1']);
    const other = await parseText(child, { '/parent/pom.xml': parent('someone-else') });
    expect(lines(other.packages)).toEqual(['p:child@1']);
    expect(other.skipped).toEqual(['g:a: no version here or in the dependencyManagement of this POM or its local parents']);
  });

  it('stops on parent cycles', async () => {
    const pom = `<project><parent><groupId>g</groupId><artifactId>a</artifactId><version>1</version><relativePath>pom.xml</relativePath></parent><artifactId>a</artifactId></project>`;
    const { packages } = await parseText(pom, { '/pom.xml': pom.replace('<relativePath>pom.xml', '<relativePath>src/pom.xml') });
    expect(lines(packages)).toEqual(['g:a@1']);
  });

  it('decodes the encoding the XML declaration names', async () => {
    const text = '<?xml version="1.0" encoding="ISO-8859-1"?><project><groupId>g</groupId><artifactId>a</artifactId><version>1</version><licenses><license><name>Licence publique \u00e9tendue</name></license></licenses></project>';
    const { packages } = await parseText(Buffer.from(text, 'latin1'));
    expect(packages[0]!.licenses).toEqual(['Licence publique \u00e9tendue']);
  });

  it.each([
    ['not XML', 'this is not a pom.xml file!'],
    ['not well-formed', '<project><dependencies></project>'],
    ['another root', '<settings><localRepository>/x</localRepository></settings>'],
    ['empty', ''],
  ])('warns about a file that is %s', async (_what, text) => {
    const { packages, warnings } = await parseText(text);
    expect(packages).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'INVALID_POM' })]);
  });

  it('never expands DOCTYPE entities', async () => {
    const internal = await parseText(`<?xml version="1.0"?>
      <!DOCTYPE project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <project><groupId>g</groupId><artifactId>a</artifactId><version>&b;</version></project>`);
    expect(internal.packages).toEqual([]);
    expect(internal.skipped).toEqual(['the project g:a: version "&b;" refers to an XML entity, which is never expanded']);
    const external = await parseText(`<?xml version="1.0"?>
      <!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <project><groupId>g</groupId><artifactId>a</artifactId><version>&x;</version></project>`);
    expect(external.packages).toEqual([]);
    expect(external.warnings).toEqual([expect.objectContaining({ code: 'INVALID_POM' })]);
  });

  it('interpolates with bounded growth', () => {
    const lookup = (name: string) => (name === 'x' ? '${x}${x}' : undefined);
    expect(interpolate('${x}', lookup).length).toBeLessThanOrEqual(4096);
  });

  it('never throws on arbitrary or mutated input', async () => {
    const base = `<project><parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version></parent><artifactId>a</artifactId>
      <properties><v>1.0</v></properties><dependencies><dependency><groupId>g</groupId><artifactId>b</artifactId><version>\${v}</version><scope>test</scope></dependency></dependencies></project>`;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 500 }), fc.tuple(fc.nat(base.length), fc.string({ maxLength: 20 })).map(([at, s]) => base.slice(0, at) + s + base.slice(at))), async (text) => {
        const { packages } = await parseText(text, { '/pom.xml': base });
        for (const p of packages) expect(p.purl.startsWith('pkg:maven/')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses absurdly deep nesting without crashing', async () => {
    const { warnings } = await parseText(`<project>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</project>`);
    expect(warnings).toEqual([expect.objectContaining({ code: 'INVALID_POM' })]);
  });

  describe.skipIf(!existsSync(shared))('on the shared real POMs', () => {
    const read = async (name: string) => {
      const others: Record<string, string> = {};
      if (existsSync(`${shared}parent/pom.xml`)) others['/src/parent/pom.xml'] = readFileSync(`${shared}parent/pom.xml`, 'utf8');
      const { packages, skipped, warnings } = await parseText(readFileSync(`${shared}${name}`), others);
      return { lines: lines(packages), skipped: skipped.length, warnings: warnings.map((w) => w.code), packages };
    };
    const cases: Array<[string, string[], number]> = [
      ['ambiguous-interpolation.xml', ['com.example:common-lib@1.0.0'], 0],
      ['empty.xml', ['com.mycompany.app:my-app@1'], 0],
      ['encoding.xml', ['com.mycompany.app:my-app@1.0.0', 'junit:junit@4.12'], 0],
      ['explicit-jar.xml', ['org.different:my-lib@1.0.0', 'com.example:my-lib@1.0.0'], 0],
      ['interpolate-drop.xml', ['com.example:actual-artifact@1.0.0'], 1],
      ['interpolation.xml', ['io.library:my-library@1.0-SNAPSHOT', 'org.mine:mypackage@1.0.0', 'org.mine:my.package@2.3.4'], 1],
      ['multi-version.xml', ['abc:example.com@1.0.0', 'abc:example.com@1.1.1'], 0],
      ['one-package.xml', ['org.apache.maven:maven-artifact@1.0.0'], 0],
      ['parent/pom.xml', ['org.local:parent-pom@1.0', 'org.dave:dave@4.0.0'], 0],
      ['plugin-dependency.xml', ['com.example:test-app@1.0.0', 'com.example:hijack-lib@1.0.0'], 0],
      // The project has no artifactId of its own: only the profile's dependency is a package.
      ['profiles.xml', ['org.profile:profile-dep@1.2.3'], 1],
      ['transitive.xml', ['com.mycompany.app:my-app@1.0', 'org.direct:alice@1.0.0', 'org.direct:bob@2.0.0', 'org.direct:chris@3.0.0', 'org.transitive:frank@4.4.4'], 0],
      ['two-packages.xml', ['io.netty:netty-all@4.1.42.Final', 'org.slf4j:slf4j-log4j12@1.7.25'], 0],
      [
        'with-dependency-management.xml',
        ['io.netty:netty-all@4.1.9', 'org.slf4j:slf4j-log4j12@1.7.25', 'io.netty:netty-all@4.1.42.Final', 'com.google.code.findbugs:jsr305@3.0.2'],
        0,
      ],
      ['with-multiple-classifiers.xml', ['com.example:my-lib@1.0.0'], 0],
      // chuck takes its version from dependencyManagement; frank has none here or in ./parent/pom.xml.
      ['with-parent.xml', ['com.mycompany.app:my-app@1.0', 'org.alice:alice@1.0.0', 'org.bob:bob@2.0.0', 'org.chuck:chuck@3.0.0', 'org.import:import@1.2.3'], 1],
      ['with-scope.xml', ['abc:xyz@1.2.3', 'junit:junit@4.12 dev'], 0],
      ['with-type-classifier.xml', ['abc:xyz@1.0.0'], 0],
    ];
    it.each(cases)('%s', async (name, expected, skips) => {
      const result = await read(name);
      expect(result.lines).toEqual(expected);
      expect(result.skipped).toBe(skips);
      expect(result.warnings).toEqual([]);
    });

    it.each(['invalid-syntax.xml', 'not-pom.txt'])('%s is one warning and no packages', async (name) => {
      const result = await read(name);
      expect(result).toMatchObject({ lines: [], skipped: 0, warnings: ['INVALID_POM'] });
    });

    it('keeps scope, type and classifier as metadata', async () => {
      expect((await read('with-parent.xml')).packages.find((p) => p.name === 'org.import:import')!.metadata).toEqual({
        relation: 'managed',
        scope: 'import',
        type: 'pom',
      });
      expect((await read('with-type-classifier.xml')).packages[0]!.metadata).toEqual({ relation: 'dependency', type: 'pom', classifier: 'sources' });
      expect((await read('profiles.xml')).packages[0]!.metadata).toEqual({ relation: 'dependency', profile: 'my-profile' });
    });

    it('the parent POM beside with-parent.xml is one the catalog driver finds by name', async () => {
      await catalogTester()
        .fromDirectory(shared)
        .withCatalogers(javaPomCataloger)
        .expectsPackages(['org.local:parent-pom@1.0 pkg:maven/org.local/parent-pom@1.0', 'org.dave:dave@4.0.0 pkg:maven/org.dave/dave@4.0.0']);
    });
  });
});
