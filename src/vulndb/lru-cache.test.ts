import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('keeps at most its capacity, dropping what was used longest ago', () => {
    const cache = new LruCache<string, number>(4);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i);
    expect(cache.get('a')).toBe(0);
    cache.set('e', 4);
    cache.set('f', 5);
    expect(cache.size).toBeLessThanOrEqual(4);
    // "a" was used after "b", "c" and "d" were set: it outlives them.
    expect(cache.get('a')).toBe(0);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('f')).toBe(5);
  });

  it('never holds more than its capacity, whatever the order of use', () => {
    const cache = new LruCache<number, number>(10);
    for (let i = 0; i < 1000; i++) {
      cache.set(i % 37, i);
      cache.get((i * 7) % 37);
      expect(cache.size).toBeLessThanOrEqual(10);
    }
  });

  it('replaces a value set again, and tells a remembered null from absence', () => {
    const cache = new LruCache<string, number | null>(2);
    cache.set('x', 1);
    cache.set('x', 2);
    cache.set('none', null);
    expect(cache.get('x')).toBe(2);
    expect(cache.get('none')).toBeNull();
    expect(cache.get('other')).toBeUndefined();
  });
});
