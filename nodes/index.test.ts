import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '@modalflow/core';
import { NODE_TYPES, createRegistry } from './index.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const folders = ['inputs', 'models', 'preprocessing', 'encoders', 'pooling', 'fusion', 'reasoning', 'heads', 'losses', 'outputs', 'layers'];

describe('the node library', () => {
  it('registers every node type once', () => {
    expect(() => createRegistry()).not.toThrow();
    expect(new Set(NODE_TYPES.map((d) => d.type)).size).toBe(NODE_TYPES.length);
  });

  it('documents every node: a summary, its source, a formula where it computes one, described params', () => {
    for (const def of NODE_TYPES) {
      expect(def.doc.length, `${def.type} doc`).toBeGreaterThan(20);
      expect(CATEGORIES, def.type).toContain(def.category);
      if (def.role === 'op' && def.lower) {
        expect(def.source, `${def.type} source`).toBeTruthy();
        expect(def.formula, `${def.type} formula`).toBeTruthy();
      }
      for (const [name, spec] of Object.entries(def.params as Record<string, { description: string }>)) {
        expect(spec.description, `${def.type} param ${name}`).toBeTruthy();
      }
    }
  });

  it('lists every node file in the library and tests each one beside it', () => {
    for (const folder of folders) {
      const files = readdirSync(`${here}${folder}`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
      for (const f of files) {
        const base = f.replace(/\.ts$/, '');
        // Helper modules beside nodes (shared by one folder's tests) are not node types.
        if (['run-graph', 'run-imported', 'batch', 'model-file', 'model-ports'].includes(base)) continue;
        expect(existsSync(`${here}${folder}/${base}.test.ts`), `${folder}/${base}.ts has a test`).toBe(true);
      }
    }
  });
});
