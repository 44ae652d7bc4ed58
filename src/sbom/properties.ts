/**
 * @module Name–value properties: how Vigil's own facts ride along in an SBOM, and the helpers that
 * read them back. Property names are listed in `cyclonedx/names.ts`.
 */

export interface Property {
  name: string;
  value: string;
}

/** Reads properties by name; duplicate names keep their document order. */
export class PropertyBag {
  private readonly byName = new Map<string, string[]>();

  constructor(readonly properties: readonly Property[]) {
    for (const { name, value } of properties) {
      const values = this.byName.get(name);
      if (values) values.push(value);
      else this.byName.set(name, [value]);
    }
  }

  get(name: string): string | undefined {
    return this.byName.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.byName.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * Indexed groups such as `vigil:location:0:path`, `vigil:location:0:layer-digest`: for the prefix
   * `vigil:location:`, returns one map of field → value per index, in index order.
   */
  indexed(prefix: string): Map<string, string>[] {
    const groups = new Map<number, Map<string, string>>();
    for (const { name, value } of this.properties) {
      if (!name.startsWith(prefix)) continue;
      const match = /^(\d+):(.+)$/.exec(name.slice(prefix.length));
      if (!match) continue;
      const index = Number(match[1]);
      const field = match[2] as string;
      let group = groups.get(index);
      if (!group) groups.set(index, (group = new Map()));
      if (!group.has(field)) group.set(field, value);
    }
    return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
  }

  /** Properties whose name starts with `prefix`, as [rest of the name, value], in document order. */
  withPrefix(prefix: string): [string, string][] {
    return this.properties.filter((p) => p.name.startsWith(prefix)).map((p) => [p.name.slice(prefix.length), p.value]);
  }
}

/** Collects properties in the order they are added, skipping absent values. */
export class PropertyList {
  readonly items: Property[] = [];

  add(name: string, value: string | number | undefined): this {
    if (value !== undefined) this.items.push({ name, value: String(value) });
    return this;
  }
}
