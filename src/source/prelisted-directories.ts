/**
 * @module Directory listings taken ahead of a walk. The walking worker starts while the command
 * is still loading its catalogers (walk-worker-start.ts); until it is told what to look for, it
 * lists the folders it is about to walk, and the walk then takes each listing from here instead
 * of reading the folder again. Listing a tree is most of a walk's cost (one open and a few
 * getdents calls per folder), so that much of the walk is done on a core that would otherwise
 * wait. Nothing is decided early: which entries are files, which folders to enter and which file
 * systems to cross are still the walk's own decisions (DirectoryTree.walk), made on these entries.
 */
import { readdirSync, realpathSync, type Dirent } from 'node:fs';
import { mountPointsBelow, readMounts } from './mount-points.js';

/** Entries held at most (about 150 bytes each), whatever the tree: the rest is listed by the walk. */
const MAX_ENTRIES = 100_000;
/** Folders listed between two questions to `stop`. */
const FOLDERS_PER_CHECK = 16;

export class PrelistedDirectories {
  /** Listings by the host path of their folder. */
  private readonly listings = new Map<string, Dirent[]>();
  private held = 0;

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /**
   * Lists the folders below each of `hostRoots` (absolute host paths, each walked as the walk
   * would: depth first, a folder's subfolders in reverse listing order), until `stop` says so or
   * the entry cap is reached. Only real folders are entered: a root reached through a link, a
   * link inside, and another mounted file system are left for the walk, which judges them with
   * the target's own rules. Where the mount table cannot say which folders are mount points,
   * nothing is listed.
   */
  fill(hostRoots: readonly string[], stop: () => boolean): void {
    const mounts = readMounts();
    let sinceCheck = 0;
    for (const hostRoot of hostRoots) {
      try {
        if (realpathSync(hostRoot) !== hostRoot) continue;
      } catch {
        continue; // missing here: the walk finds nothing there either
      }
      const mountPoints = mountPointsBelow(hostRoot, mounts);
      if (!mountPoints) return;
      const stack = [hostRoot];
      while (stack.length > 0) {
        if (++sinceCheck === FOLDERS_PER_CHECK) {
          sinceCheck = 0;
          if (stop()) return;
        }
        const dir = stack.pop()!;
        if (this.listings.has(dir)) continue;
        let entries: Dirent[];
        try {
          entries = readdirSync(dir, { withFileTypes: true });
        } catch {
          continue; // the walk tries it again, and reports it as it would
        }
        if (this.held + entries.length > this.maxEntries) return;
        this.held += entries.length;
        this.listings.set(dir, entries);
        const base = dir === '/' ? '' : dir;
        for (const entry of entries) {
          if (!entry.isDirectory()) continue;
          const path = `${base}/${entry.name}`;
          if (!mountPoints.has(path)) stack.push(path);
        }
      }
    }
  }

  /** The listing of a folder taken ahead, handed over once (undefined when there is none). */
  take(hostPath: string): Dirent[] | undefined {
    const entries = this.listings.get(hostPath);
    if (entries) {
      this.listings.delete(hostPath);
      this.held -= entries.length;
    }
    return entries;
  }

  /** Lets every listing not taken go. */
  clear(): void {
    this.listings.clear();
    this.held = 0;
  }
}
