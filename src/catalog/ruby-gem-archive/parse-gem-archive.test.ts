import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countingBytes, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { packTar } from '../../../test/harness/image-builder.js';
import { parseGemArchive } from './parse-gem-archive.js';

/** A specification as RubyGems writes it into metadata.gz, tags and all. */
const specification = (fields: { name?: string; version?: string; platform?: string; licenses?: string[]; extra?: string }) =>
  [
    '--- !ruby/object:Gem::Specification',
    ...(fields.name !== undefined ? [`name: ${fields.name}`] : []),
    ...(fields.version !== undefined ? ['version: !ruby/object:Gem::Version', `  version: ${fields.version}`] : []),
    `platform: ${fields.platform ?? 'ruby'}`,
    'authors:',
    '- A. Author',
    'dependencies:',
    '- !ruby/object:Gem::Dependency',
    '  name: racc',
    '  requirement: !ruby/object:Gem::Requirement',
    '    requirements:',
    '    - - "~>"',
    '      - !ruby/object:Gem::Version',
    '        version: 1.4.0',
    ...(fields.licenses ? ['licenses:', ...fields.licenses.map((l) => `- ${l}`)] : []),
    fields.extra ?? '',
  ].join('\n');

/** A .gem: metadata.gz first, then the data and checksums RubyGems writes after it. */
async function gem(metadata: Buffer | undefined, rest: Array<[string, Buffer]> = [['data.tar.gz', gzipSync(Buffer.alloc(20_000, 1))], ['checksums.yaml.gz', gzipSync('SHA256: {}\n')]]) {
  const members: Array<[string, Buffer]> = [...(metadata ? [['metadata.gz', metadata] as [string, Buffer]] : []), ...rest];
  return packTar(members.map(([name, data]) => ({ header: { name, type: 'file' as const, mode: 0o444, size: data.length }, data })));
}

async function parse(bytes: Buffer) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = await parseGemArchive(memoryFile('/var/lib/gems/3.1.0/cache/x.gem', bytes), ctx);
  return { lines: packages.map((p) => `${p.purl} ${(p.licenses ?? []).join(',')}`), packages, skipped, warnings };
}

describe('ruby-gem-archive', () => {
  it('reads the name, version, platform and licences of the specification', async () => {
    const nokogiri = await parse(await gem(gzipSync(specification({ name: 'nokogiri', version: '1.15.4', platform: 'x86_64-linux', licenses: ['MIT'] }))));
    expect(nokogiri.lines).toEqual([
      'pkg:gem/nokogiri@1.15.4?platform=x86_64-linux MIT',
    ]);
    // "ruby" is the pure-Ruby platform: no qualifier, as the installed gemspec and Gemfile.lock give.
    const rack = await parse(await gem(gzipSync(specification({ name: 'rack', version: '3.0.8', licenses: ['MIT', 'BSD-2-Clause'] }))));
    expect(rack.lines).toEqual(['pkg:gem/rack@3.0.8 MIT,BSD-2-Clause']);
    expect(rack.packages[0]).toMatchObject({ name: 'rack', version: '3.0.8', ecosystem: 'RubyGems', metadata: { format: 'gem' } });
    expect(rack.warnings).toEqual([]);
  });

  it('reads old specifications: a Gem::Platform object, a plain version, a single licence', async () => {
    const old = [
      '--- !ruby/object:Gem::Specification',
      'name: json',
      'version: 1.8.6',
      'platform: !ruby/object:Gem::Platform',
      '  cpu: x86',
      '  os: mingw32',
      '  version:',
      'license: Ruby',
    ].join('\n');
    expect((await parse(await gem(gzipSync(old)))).lines).toEqual(['pkg:gem/json@1.8.6?platform=x86-mingw32 Ruby']);
  });

  it('reads no further than metadata.gz', async () => {
    const bytes = await gem(gzipSync(specification({ name: 'rack', version: '3.0.8' })), [['data.tar.gz', Buffer.alloc(2_000_000, 7)]]);
    const counted = countingBytes(bytes);
    const file = { ...memoryFile('/x.gem', bytes), readRange: counted.readRange };
    expect((await parseGemArchive(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:gem/rack@3.0.8']);
    expect(counted.bytesRead).toBeLessThan(200_000);
  });

  it.each([
    ['not a tar', async () => Buffer.from('definitely not a gem')],
    ['no metadata.gz', async () => gem(undefined)],
    ['metadata.gz not gzip', async () => gem(Buffer.from('plain text'))],
    ['a specification that is not a mapping', async () => gem(gzipSync('- just\n- a list\n'))],
    ['a specification that is not YAML', async () => gem(gzipSync('name: [unclosed\n'))],
  ])('warns about a gem with %s', async (_case, make) => {
    const { lines, warnings } = await parse(await make());
    expect(lines).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_ARCHIVE']);
  });

  it('skips a specification without a usable name or version', async () => {
    for (const fields of [{ version: '1.0.0' }, { name: 'bad name', version: '1.0.0' }, { name: 'rack' }, { name: 'rack', version: 'not a version' }]) {
      const { lines, skipped, warnings } = await parse(await gem(gzipSync(specification(fields))));
      expect(lines).toEqual([]);
      expect(skipped).toHaveLength(1);
      expect(warnings).toEqual([]);
    }
  });

  it('never throws on arbitrary bytes or arbitrary specifications', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1500 }), async (bytes) => {
        await parseGemArchive(memoryFile('/a.gem', Buffer.from(bytes)), recordingContext().ctx);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (yaml) => {
        await parseGemArchive(memoryFile('/a.gem', await gem(gzipSync(yaml))), recordingContext().ctx);
      }),
      { numRuns: 100 },
    );
  });
});
