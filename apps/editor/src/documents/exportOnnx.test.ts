import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { ModalflowError } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { loadExamples } from './examples.ts';
import { buildOnnxZip } from './exportOnnx.ts';
import { chainDoc } from '../test/fixtures.ts';

describe('ONNX export', () => {
  it('zips plan.json and every stage model of an example', async () => {
    const example = loadExamples().find((e) => e.id === 'late-fusion')!;
    const { zip, files } = await buildOnnxZip(example.doc!, createRegistry());
    const entries = unzipSync(zip);
    expect(Object.keys(entries).sort()).toEqual([...files].sort());
    const plan = JSON.parse(strFromU8(entries['plan.json']!));
    expect(plan.format).toBe('modalflow.plan');
    const onnx = files.filter((f) => f.endsWith('.onnx'));
    expect(onnx.length).toBeGreaterThan(0);
    // Each model carries the graph hash in its metadata, which is how exports trace back to graphs.
    for (const f of onnx) expect(strFromU8(entries[f]!, true)).toContain(plan.graphHash);
  });

  it('throws the compiler\'s problems for a graph that does not compile', async () => {
    const doc = chainDoc();
    await expect(buildOnnxZip(doc, createRegistry())).rejects.toBeInstanceOf(ModalflowError);
  });
});
