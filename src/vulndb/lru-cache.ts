/**
 * @module A map that keeps about `capacity` recently used entries: what an open reader remembers
 * between scans (the service scans thousands of inventories on one reader).
 *
 * Two generations instead of a strict LRU list: entries are set in the young map; when it is full
 * it becomes the old one and the previous old one is dropped. A hit in the old map moves the entry
 * back to the young. Reading a hot entry costs one Map lookup, with no reordering.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError(`an LRU cache holds at least two entries, not ${capacity}`);
    this.generation = Math.ceil(capacity / 2);
  }

  /** Entries held now: at most `capacity`. */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The value, kept as recently used; undefined when absent (store `null` to remember "none"). */
  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const older = this.old.get(key);
    if (older === undefined) return undefined;
    this.old.delete(key);
    this.put(key, older);
    return older;
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.put(key, value);
    }
  }

  private put(key: K, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}

type Trie<V> = Map<string, Trie<V> | Leaf<V>>;
/** A value at the end of a key path (a class, so a value that is itself a Map is never mistaken for a node). */
class Leaf<V> {
  constructor(readonly value: V) {}
}

/**
 * Like LruCache, keyed by a path of strings (["Go", "golang.org/x/net", "v0.17.0"]) walked through
 * nested maps. Looking up strings one already holds costs a hash of each, where a key joined from
 * them would be a new string to build and hash on every lookup. No path may be the start of
 * another (end paths with a fixed number of parts, or a separator).
 */
export class PathCache<V> {
  private young: Trie<V> = new Map();
  private old: Trie<V> = new Map();
  private youngSize = 0;
  private readonly generation: number;

  constructor(readonly capacity: number) {
    if (!(capacity >= 2)) throw new RangeError(`a path cache holds at least two entries, not ${capacity}`);
    this.generation = Math.ceil(capacity / 2);
  }

  get(path: readonly string[]): V | undefined {
    const young = find(this.young, path);
    if (young) return young.value;
    const old = find(this.old, path);
    if (!old) return undefined;
    this.put(path, old);
    return old.value;
  }

  set(path: readonly string[], value: V): void {
    this.put(path, new Leaf(value));
  }

  private put(path: readonly string[], leaf: Leaf<V>): void {
    if (this.youngSize >= this.generation) {
      this.old = this.young;
      this.young = new Map();
      this.youngSize = 0;
    }
    let node = this.young;
    for (let i = 0; i < path.length - 1; i++) {
      let next = node.get(path[i]!);
      if (!(next instanceof Map)) node.set(path[i]!, (next = new Map()));
      node = next;
    }
    if (!node.has(path[path.length - 1]!)) this.youngSize++;
    node.set(path[path.length - 1]!, leaf);
  }
}

function find<V>(root: Trie<V>, path: readonly string[]): Leaf<V> | undefined {
  let node: Trie<V> | Leaf<V> | undefined = root;
  for (const part of path) {
    if (!(node instanceof Map)) return undefined;
    node = node.get(part);
  }
  return node instanceof Leaf ? node : undefined;
}
