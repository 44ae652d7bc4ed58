/**
 * @module The shared inventory types: what a cataloger finds and what an SBOM describes.
 * @see https://github.com/package-url/purl-spec
 */

/** purl types Vigil produces; one per package format family. */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'golang'
  | 'cargo'
  | 'gem'
  | 'composer'
  | 'nuget';

/** An image layer, as the image config and manifest name it. */
export interface LayerRef {
  /** Position in the image's layer list, 0 = base. */
  index: number;
  /** Digest of the layer blob as the manifest lists it (compressed, if the layer is). */
  digest: string;
  /** Digest of the uncompressed layer tar (config `rootfs.diff_ids`). */
  diffId?: string;
}

/** Where a package was found: a file in the target, and the layer it came from in an image. */
export interface Location {
  /** Absolute path inside the target, as the package database is named there. */
  path: string;
  layer?: LayerRef;
}

/** The source package an OS binary package was built from (vulnerability matching goes through it). */
export interface SourcePackage {
  name: string;
  version?: string;
}

/** A digest of the file a package was read from (a jar's SHA-1, for example). */
export interface PackageHash {
  algorithm: 'SHA-1' | 'SHA-256' | 'SHA-512' | 'MD5';
  /** Lower-case hex. */
  value: string;
}

/** Scalar extra facts a cataloger records; written out as SBOM properties. */
export type PackageMetadata = Record<string, string | number | boolean>;

export interface Package {
  name: string;
  /** The version exactly as the package manager records it (dpkg: with epoch; rpm: [epoch:]version-release). */
  version: string;
  type: PackageType;
  purl: string;
  /** OSV ecosystem of a language package (npm, PyPI, Go, …). OS packages get theirs from the distro. */
  ecosystem?: string;
  arch?: string;
  source?: SourcePackage;
  licenses?: string[];
  /**
   * True when the package is only a development dependency (npm devDependencies, composer
   * packages-dev, poetry's dev group…): kept, and marked, never dropped. CycloneDX writes it as
   * scope "optional".
   */
  development?: boolean;
  hashes?: PackageHash[];
  /** The first location is the one that listed the package; more when the same package is seen again. */
  locations: Location[];
  /** The image layer that introduced the package (absent outside images). */
  layer?: LayerRef;
  /** Name of the cataloger that found it. */
  foundBy: string;
  metadata?: PackageMetadata;
}

/** A package as a parser returns it, before the catalog driver adds where and by whom it was found. */
export type ParsedPackage = Omit<Package, 'locations' | 'layer' | 'foundBy'> & {
  /**
   * Where the package sits when that is more precise than the file the parser was given: an
   * archive inside an archive is written "/app/app.jar!/BOOT-INF/lib/spring-core-6.1.2.jar".
   * Absent means the file itself.
   */
  locationPath?: string;
};
