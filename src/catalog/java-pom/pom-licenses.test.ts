/**
 * readPomLicenses must say exactly what readPom says of a POM's licenses: on every real POM of
 * the machine's Maven repositories and in their jars, and on generated documents built to trip a
 * shortcut up (prefixes, comments, CDATA, processing instructions, quoted '>', self-closing tags,
 * deep nesting, DOCTYPEs, damage).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangedZip } from '../zip/ranged-zip.js';
import { bufferBytes } from '../random-access-bytes.js';
import { readPom } from './parse-pom.js';
import { readPomLicenses } from './pom-licenses.js';

function wholeDocumentLicenses(bytes: Buffer): string[] {
  const pom = readPom(bytes);
  return 'model' in pom ? pom.model.licenses : [];
}

function expectSameLicenses(bytes: Buffer, where: string): void {
  expect(readPomLicenses(bytes), where).toEqual(wholeDocumentLicenses(bytes));
}

const repositories = [join(homedir(), '.m2', 'repository'), '/usr/share/maven-repo'].filter((path) => existsSync(path));

function filesUnder(root: string, suffix: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith(suffix))
    .map((entry) => join(root, entry))
    .filter((path) => {
      try {
        return readFileSync(path).length > 0;
      } catch {
        return false; // a dangling link or a folder named like a file
      }
    });
}

describe('readPomLicenses', () => {
  it.each([
    ['plain', '<project><licenses><license><name>MIT</name></license></licenses></project>', ['MIT']],
    ['prefixed', '<p:project xmlns:p="x"><p:licenses><p:license><p:name> Apache-2.0 </p:name></p:license></p:licenses></p:project>', ['Apache-2.0']],
    ['first block only', '<project><licenses><license><name>A</name></license></licenses><licenses><license><name>B</name></license></licenses></project>', ['A']],
    ['nested deeper is not the root\'s', '<project><build><licenses><license><name>A</name></license></licenses></build></project>', []],
    ['entities and CDATA', '<project><licenses><license><name>A &amp; <![CDATA[B]]></name></license><license><name>&#67;</name></license></licenses></project>', null],
    ['quoted >', '<project a="1>2"><licenses x=\'<\'><license><name>Q</name></license></licenses></project>', null],
    ['self-closing', '<project><licenses/><licenses><license><name>L</name></license></licenses></project>', []],
    ['not a project', '<pom><licenses><license><name>X</name></license></licenses></pom>', []],
    ['comment-only mention', '<project><!-- <licenses><license><name>X</name></license></licenses> --></project>', []],
    ['not well-formed', '<project><licenses><license><name>X</name></license></licenses>', []],
  ])('%s', (_what, xml, expected) => {
    const bytes = Buffer.from(xml);
    expectSameLicenses(bytes, xml);
    if (expected) expect(readPomLicenses(bytes)).toEqual(expected);
  });

  it('refuses what readPom refuses: elements nested deeper than its limit, anywhere in the document', () => {
    const deep = `${'<a>'.repeat(70)}${'</a>'.repeat(70)}`;
    const xml = `<project><licenses><license><name>X</name></license></licenses>${deep}</project>`;
    expectSameLicenses(Buffer.from(xml), 'deep');
    expect(readPomLicenses(Buffer.from(xml))).toEqual([]);
  });

  it('agrees with readPom on generated documents', () => {
    const text = fc.constantFrom('MIT', 'Apache License, Version 2.0', 'A &amp; B', '&#x41;pache', '<![CDATA[GPL]]>', 'x<!-- c -->y', '  spaced\t', '', 'a<b>c</b>d');
    const license = fc.tuple(fc.constantFrom('license', 'p:license', 'other'), fc.constantFrom('name', 'p:name', 'url'), text).map(([l, n, t]) => `<${l}><${n}>${t}</${n}></${l}>`);
    const licensesTag = fc.constantFrom('licenses', 'p:licenses', ':licenses', 'a:b:licenses', 'xmlns:licenses', 'licensesX');
    const block = fc.tuple(licensesTag, fc.constantFrom('', ' a="1"', ' b=\'>\'', '\t', ' /'), fc.array(license, { maxLength: 3 })).map(([tag, attrs, items]) =>
      attrs.endsWith('/') ? `<${tag}${attrs}>` : `<${tag}${attrs}>${items.join('\n')}</${tag}>`,
    );
    const filler = fc.constantFrom('<groupId>g</groupId>', '<!-- licenses -->', '<?pi licenses?>', '<build><licenses><license><name>deep</name></license></licenses></build>', '<x/>', '<y a="<licenses>"/>', '\r\n', '<![CDATA[<licenses>]]>');
    const document = fc
      .tuple(
        fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '<!DOCTYPE project>\n', '<!-- head -->'),
        fc.constantFrom('project', 'p:project', 'pom', ':project'),
        fc.array(fc.oneof(block, filler), { maxLength: 6 }),
        fc.option(fc.tuple(fc.nat(400), fc.constantFrom('', '<', '>', '/', '"', '-->', ']]>')), { freq: 3 }),
      )
      .map(([head, root, children, damage]) => {
        let xml = `${head}<${root} xmlns:p="urn:p">${children.join('')}</${root}>`;
        if (damage) {
          const at = damage[0] % (xml.length + 1);
          xml = xml.slice(0, at) + damage[1] + xml.slice(at + (damage[1] === '' ? 1 : 0));
        }
        return xml;
      });
    let named = 0;
    fc.assert(
      fc.property(document, (xml) => {
        expectSameLicenses(Buffer.from(xml), xml);
        if (wholeDocumentLicenses(Buffer.from(xml)).length > 0) named++;
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: a fair share of the documents do name licenses.
    expect(named).toBeGreaterThan(100);
  });

  describe.skipIf(repositories.length === 0)('on real POMs', () => {
    for (const root of repositories) {
      it(`agrees with readPom on every POM in ${root}, and on the pom.xml files in its jars`, async () => {
        let poms = 0;
        let withLicenses = 0;
        for (const path of filesUnder(root, '.pom')) {
          const bytes = readFileSync(path);
          expectSameLicenses(bytes, path);
          poms++;
          if (readPomLicenses(bytes).length > 0) withLicenses++;
        }
        for (const path of filesUnder(root, '.jar').slice(0, 400)) {
          let zip: RangedZip;
          try {
            zip = await RangedZip.open(bufferBytes(readFileSync(path)));
          } catch {
            continue;
          }
          const { entries } = await zip.listEntries(100_000, () => undefined, (name) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.xml$/.test(name));
          for (const entry of entries) {
            const bytes = await zip.readEntry(entry).catch(() => undefined);
            if (!bytes) continue;
            expectSameLicenses(bytes, `${path}!/${entry.name}`);
            poms++;
          }
        }
        console.info(`pom-licenses: ${poms} POMs in ${root} agree with readPom (${withLicenses} .pom files name licenses)`);
        expect(poms).toBeGreaterThan(0);
      }, 120_000);
    }
  });
});
