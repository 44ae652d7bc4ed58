import { describe, expect, it } from 'vitest';
import { mountPointsBelow, parseMountInfo } from './mount-points.js';

const table = [
  '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '21 26 0:20 / /proc rw,relatime - proc proc rw',
  '27 26 0:24 / /mnt/with\\040space ro,nosuid shared:5 master:1 - tmpfs none ro',
  '28 26 0:25 / /srv/pool rw - btrfs /dev/vdb rw',
  '29 28 0:26 / /srv/pool/data rw - ext4 /dev/vdc rw',
  '30 26 0:27 / /usr/lib/mounted rw - xfs /dev/vdd rw',
  '',
].join('\n');

describe('the mount table', () => {
  it('reads mount points (escapes undone) and types, optional fields or not', () => {
    expect(parseMountInfo(table)).toEqual([
      { point: '/', type: 'ext4' },
      { point: '/proc', type: 'proc' },
      { point: '/mnt/with space', type: 'tmpfs' },
      { point: '/srv/pool', type: 'btrfs' },
      { point: '/srv/pool/data', type: 'ext4' },
      { point: '/usr/lib/mounted', type: 'xfs' },
    ]);
    expect(parseMountInfo('not a mount line\n')).toBeUndefined();
  });

  it.each([
    ['/', ['/proc', '/mnt/with space', '/srv/pool', '/srv/pool/data', '/usr/lib/mounted']],
    ['/usr/lib', ['/usr/lib/mounted']],
    ['/usr/lib/mounted', []],
    ['/srv/pool/data/x', []],
  ])('lists the mount points below %s when its file system keeps one device', (dir, expected) => {
    expect([...mountPointsBelow(dir, parseMountInfo(table))!].sort()).toEqual([...expected].sort());
  });

  it('knows nothing below a file system that may change device inside (btrfs subvolumes), or without a table', () => {
    expect(mountPointsBelow('/srv/pool', parseMountInfo(table))).toBeUndefined();
    expect(mountPointsBelow('/srv/pool/sub', parseMountInfo(table))).toBeUndefined();
    expect(mountPointsBelow('/', undefined)).toBeUndefined();
  });

  it('takes the file system last mounted where several are mounted at one point', () => {
    const stacked = parseMountInfo('1 0 0:1 / / rw - btrfs a rw\n2 1 0:2 / / rw - ext4 b rw\n');
    expect(mountPointsBelow('/usr', stacked)).toEqual(new Set());
  });
});
