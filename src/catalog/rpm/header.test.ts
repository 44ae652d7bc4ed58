import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHeaderBlob, buildPackageBlob } from '../../../test/fixtures/catalog/rpm/make-rpmdb.js';
import { parseRpmHeader } from './header.js';

const bash = {
  name: 'bash',
  version: '5.1.8',
  release: '9.el9',
  arch: 'x86_64',
  license: 'GPLv3+',
  vendor: 'Red Hat, Inc.',
  sourceRpm: 'bash-5.1.8-9.el9.src.rpm',
  size: 7738634,
};

/** A valid blob whose index fields can then be overwritten, entry by entry. */
function patched(entries: Parameters<typeof buildHeaderBlob>[0], patch: (blob: Buffer) => void): Buffer {
  const blob = buildHeaderBlob(entries);
  patch(blob);
  return blob;
}

const nameVersionRelease = [
  { tag: 1000, data: { type: 'string', value: 'pkg' } },
  { tag: 1001, data: { type: 'string', value: '1.0' } },
  { tag: 1002, data: { type: 'string', value: '1' } },
] as const satisfies Parameters<typeof buildHeaderBlob>[0];

describe('parseRpmHeader', () => {
  it('reads the package fields', () => {
    expect(parseRpmHeader(buildPackageBlob({ ...bash, epoch: 0, modularityLabel: 'bash:5:1:abc' }))).toEqual({
      ok: true,
      header: { ...bash, epoch: 0, modularityLabel: 'bash:5:1:abc' },
    });
  });

  it('leaves absent tags out, keeping epoch absent apart from epoch 0', () => {
    expect(parseRpmHeader(buildPackageBlob({ name: 'a', version: '1', release: '2' }))).toEqual({
      ok: true,
      header: { name: 'a', version: '1', release: '2' },
    });
  });

  it('reads I18N strings and string arrays by their first value, LONGSIZE over SIZE, and region tags pass', () => {
    const blob = buildHeaderBlob([
      { tag: 63, data: { type: 'bin', value: new Uint8Array(16) } },
      ...nameVersionRelease,
      { tag: 1014, data: { type: 'i18n', value: ['MIT', 'ignored'] } },
      { tag: 1011, data: { type: 'strings', value: ['Vendor', 'other'] } },
      { tag: 1009, data: { type: 'int32', value: [5] } },
      { tag: 5009, data: { type: 'int64', value: [6_000_000_000n] } },
    ]);
    expect(parseRpmHeader(blob)).toEqual({
      ok: true,
      header: { name: 'pkg', version: '1.0', release: '1', license: 'MIT', vendor: 'Vendor', size: 6_000_000_000 },
    });
  });

  it('takes an epoch as unsigned', () => {
    const result = parseRpmHeader(buildPackageBlob({ name: 'a', version: '1', release: '2', epoch: 0xffffffff }));
    expect(result.ok && result.header.epoch).toBe(0xffffffff);
  });

  // Offsets into a blob made from nameVersionRelease: entry i's fields start at 8 + 16 * i.
  it.each<[string, Buffer, RegExp]>([
    ['an empty blob', Buffer.alloc(0), /shorter than its 8-byte preamble/],
    ['a truncated preamble', Buffer.from([0, 0, 0]), /shorter than its 8-byte preamble/],
    ['no entries', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), /claims 0 index entries/],
    ['a huge entry count', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]), /claims 2147483647 index entries/],
    ['a huge data length', Buffer.from([0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff]), /data store/],
    ['a blob cut short', buildHeaderBlob(nameVersionRelease).subarray(0, 40), /but the blob has 40 bytes/],
    ['an offset past the data', patched(nameVersionRelease, (b) => b.writeUInt32BE(0x10000, 8 + 16 + 8)), /past the .*data store/],
    ['an unknown type', patched(nameVersionRelease, (b) => b.writeUInt32BE(77, 8 + 4)), /unknown type 77/],
    ['a string that is an integer', patched(nameVersionRelease, (b) => b.writeUInt32BE(4, 8 + 4)), /not a string/],
    ['a string with count 2', patched(nameVersionRelease, (b) => b.writeUInt32BE(2, 8 + 12)), /count 2/],
    ['a count of zero', patched(nameVersionRelease, (b) => b.writeUInt32BE(0, 8 + 12)), /count 0/],
    [
      'a string array with a huge count',
      patched(nameVersionRelease, (b) => {
        b.writeUInt32BE(8, 8 + 4);
        b.writeUInt32BE(0xffffffff, 8 + 12);
      }),
      /4294967295 strings past the data end/,
    ],
    [
      'a string without its NUL',
      patched(nameVersionRelease, (b) => b.fill(0x41, b.length - 2)),
      /not NUL-terminated/,
    ],
    ['no NAME', buildPackageBlob({ version: '1', release: '1' }), /no NAME/],
    ['no VERSION', buildPackageBlob({ name: 'x', release: '1' }), /x: header has no VERSION/],
    ['an empty RELEASE', buildPackageBlob({ name: 'x', version: '1', release: '' }), /empty RELEASE/],
    [
      'an epoch that runs past the data',
      patched([...nameVersionRelease, { tag: 1003, data: { type: 'int32', value: [1] } }], (b) => b.writeUInt32BE(1000, 8 + 48 + 12)),
      /tag 1003 runs past the data end/,
    ],
    [
      'an epoch stored as a string',
      buildHeaderBlob([...nameVersionRelease, { tag: 1003, data: { type: 'string', value: '1' } }]),
      /tag 1003 has type 6, not an integer/,
    ],
  ])('rejects %s with a reason', (_label, blob, reason) => {
    const result = parseRpmHeader(blob);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const result = parseRpmHeader(bytes);
        if (!result.ok) expect(typeof result.reason).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on a valid blob with bytes changed or cut', () => {
    const valid = buildPackageBlob({ ...bash, epoch: 3, modularityLabel: 'm:1' });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat({ max: valid.length }),
        (changes, cut) => {
          const blob = Buffer.from(valid);
          for (const [at, value] of changes) blob[at] = value;
          parseRpmHeader(blob.subarray(0, cut));
          parseRpmHeader(blob);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
