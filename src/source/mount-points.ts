/**
 * @module Where another file system begins under a host directory, from the kernel's mount table,
 * so a walk that stays on one file system (like `find -xdev`) need not stat every directory to
 * compare devices: only the mount points below it.
 * @see https://www.kernel.org/doc/Documentation/filesystems/proc.txt (/proc/<pid>/mountinfo)
 */
import { readFileSync } from 'node:fs';

export interface Mount {
  /** The mount point, a host path. */
  point: string;
  /** The file system type ("ext4", "overlay", "btrfs"…). */
  type: string;
}

/**
 * File systems whose directories all report the device of their mount. Others may change device
 * inside one mount (btrfs and bcachefs subvolumes, NFS submounts before they are mounted), or are
 * simply not known here: under them every directory is stat'ed, as before.
 */
const ONE_DEVICE_PER_MOUNT = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'tmpfs',
  'ramfs',
  'overlay',
  'f2fs',
  'squashfs',
  'erofs',
  'vfat',
  'exfat',
  'iso9660',
]);

/** "\040" and the like: mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountPath(path: string): string {
  return path.includes('\\') ? path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))) : path;
}

/** The mounts of this process's mount namespace, in the kernel's order; undefined when unreadable. */
export function parseMountInfo(text: string): Mount[] | undefined {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": optional fields end at " - ".
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (fields.length < 7 || separator === -1 || separator + 1 >= fields.length) return undefined;
    mounts.push({ point: unescapeMountPath(fields[4]!), type: fields[separator + 1]! });
  }
  return mounts;
}

/** This process's mount table; undefined when it cannot be read. */
export function readMounts(): Mount[] | undefined {
  try {
    return parseMountInfo(readFileSync('/proc/self/mountinfo', 'latin1'));
  } catch {
    return undefined; // not Linux, or no /proc: every directory is stat'ed
  }
}

function isBelow(path: string, dir: string): boolean {
  return dir === '/' ? path !== '/' : path.startsWith(`${dir}/`);
}

/**
 * The mount points strictly below `dir` (a real host path), when the file system `dir` is on
 * keeps one device throughout: then a directory below `dir` that is not one of them is on the
 * same device as `dir`. Undefined when that cannot be known.
 */
export function mountPointsBelow(dir: string, mounts: readonly Mount[] | undefined): Set<string> | undefined {
  if (!mounts) return undefined;
  // The mount `dir` is on: the deepest one at it or above it (of several at one point, the last
  // mounted, which hides the others).
  let own: Mount | undefined;
  for (const mount of mounts) {
    if ((mount.point === dir || isBelow(dir, mount.point)) && (!own || mount.point.length >= own.point.length)) own = mount;
  }
  if (!own || !ONE_DEVICE_PER_MOUNT.has(own.type)) return undefined;
  const below = new Set<string>();
  for (const mount of mounts) if (isBelow(mount.point, dir)) below.add(mount.point);
  return below;
}
