import { describe, expect, it } from 'vitest';
import { createRegistry } from '@modalflow/nodes';
import { describeNode, formatNodeList } from './node-doc.ts';

const docs = createRegistry().list().map(describeNode);

describe('describeNode', () => {
  it('carries ports, params with ranges and choices, doc, formula and source', () => {
    const linear = docs.find((d) => d.type === 'layer.linear')!;
    expect(linear.category).toBe('layers');
    expect(linear.inputs['x']).toMatchObject({ dtypes: ['float32'], optional: false });
    expect(linear.params['out']).toMatchObject({ kind: 'int', default: 64, min: 1 });
    expect(linear.formula).toBeTruthy();
    expect(linear.source).toBe('torch.nn.Linear');
    const input = docs.find((d) => d.type === 'input.tensor')!;
    expect(input.params['dtype']?.choices).toContain('int64');
    expect(input.inputKind).toBe('tensor');
  });

  it('lists presets and the retired types a node reads', () => {
    const transformer = docs.find((d) => d.type === 'encoder.transformer')!;
    expect(transformer.presets).toEqual([{ name: 'single_stream', title: 'Self-attention fusion (single stream)', params: { activation: 'gelu', norm: 'post', eps: 1e-12 } }]);
    expect(transformer.replaces).toEqual(['reasoning.self_attention']);
    expect(formatNodeList(docs)).toContain('encoder.transformer#single_stream');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(docs))).toEqual(docs);
  });
});

describe('formatNodeList', () => {
  const text = formatNodeList(docs);
  it('groups by category in palette order', () => {
    const at = (s: string) => text.indexOf(s);
    expect(at('INPUTS')).toBeGreaterThanOrEqual(0);
    expect(at('INPUTS')).toBeLessThan(at('FUSION'));
    expect(at('FUSION')).toBeLessThan(at('OUTPUTS'));
    expect(at('OUTPUTS')).toBeLessThan(at('LAYERS'));
  });

  it('lists every type with its params and ports', () => {
    for (const d of docs) expect(text).toContain(`${d.type}  v${d.version}  ${d.title}`);
    expect(text).toMatch(/out\s+int\s+default 64\s+≥ 1\s+Output features/);
    expect(text).toMatch(/c\s+float32\s+any shape\s+\(optional\)/);
  });
});
