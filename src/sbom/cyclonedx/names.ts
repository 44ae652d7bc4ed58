/**
 * @module The CycloneDX property names Vigil writes (all under the `vigil:` namespace).
 *
 * Scalar lists repeat one name (`vigil:image:tag`, `vigil:distro:id-like`); lists of records are
 * indexed from 0 (`vigil:location:0:path`, `vigil:location:0:layer-digest`, …).
 */

export const targetProperty = {
  kind: 'vigil:target:kind',
  path: 'vigil:target:path',
  imageId: 'vigil:image:id',
  manifestDigest: 'vigil:image:manifest-digest',
  tag: 'vigil:image:tag',
  platformOs: 'vigil:image:platform:os',
  platformArchitecture: 'vigil:image:platform:architecture',
  platformVariant: 'vigil:image:platform:variant',
  /** Indexed: `vigil:image:layer:<n>:index|digest|diff-id`. */
  layerPrefix: 'vigil:image:layer:',
} as const;

export const inventoryProperty = {
  /** Indexed: `vigil:cataloger:<n>:name|version`. */
  catalogerPrefix: 'vigil:cataloger:',
  /** Indexed: `vigil:warning:<n>:code|message|path|count`. */
  warningPrefix: 'vigil:warning:',
} as const;

export const distroProperty = {
  codename: 'vigil:distro:codename',
  idLike: 'vigil:distro:id-like',
  name: 'vigil:distro:name',
  prettyName: 'vigil:distro:pretty-name',
  source: 'vigil:distro:source',
} as const;

export const packageProperty = {
  cataloger: 'vigil:package:cataloger',
  /**
   * `true` on a development-only dependency, which also gets scope "optional". The reader trusts
   * only this property: "optional" alone does not mean a development dependency.
   */
  development: 'vigil:package:development',
  /** Written only when the purl is empty or its type differs from the package's. */
  type: 'vigil:package:type',
  ecosystem: 'vigil:package:ecosystem',
  arch: 'vigil:package:arch',
  sourceName: 'vigil:package:source-name',
  sourceVersion: 'vigil:package:source-version',
  /** Indexed: `vigil:location:<n>:path|layer-index|layer-digest|layer-diff-id`. */
  locationPrefix: 'vigil:location:',
  layerIndex: 'vigil:layer:index',
  layerDigest: 'vigil:layer:digest',
  layerDiffId: 'vigil:layer:diff-id',
  /** `vigil:metadata:<key>` = the value as text. */
  metadataPrefix: 'vigil:metadata:',
  /** `vigil:metadata-type:<key>` = `number` or `boolean`; absent for strings. */
  metadataTypePrefix: 'vigil:metadata-type:',
} as const;
