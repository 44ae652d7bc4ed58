import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { storeMigrations } from './index.js';

describe('storeMigrations', () => {
  it('lists every migration file, in file-name order', () => {
    const files = readdirSync(fileURLToPath(new URL('.', import.meta.url)))
      .filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(Object.keys(storeMigrations)).toEqual(files.sort());
  });
});
