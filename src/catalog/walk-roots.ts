/**
 * @module Where an inventory walks for the files catalogers find anywhere (`**` patterns and
 * content sniffs). Kept apart from the catalogers, so a command can know it before loading them.
 */

/**
 * Where language packages are searched on a host or root filesystem unless told otherwise: the
 * folders Amazon Inspector's deep inspection searches by default.
 */
export const deepInspectionPaths: readonly string[] = ['/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/local/lib64'];

export interface WalkRootOptions {
  /** Extra folders searched on a root filesystem, besides the deep inspection paths. */
  paths?: readonly string[];
  /** Search the whole of a root filesystem, not only the deep inspection paths. */
  allPaths?: boolean;
}

/**
 * The folders walked: on a root filesystem (a directory with an OS) the deep inspection paths and
 * any others asked for, or all of it when asked; images, zips and plain folders whole.
 */
export function walkRootsFor(rootFilesystem: boolean, options: WalkRootOptions): string[] {
  return rootFilesystem && !options.allPaths ? [...deepInspectionPaths, ...(options.paths ?? [])] : ['/'];
}
