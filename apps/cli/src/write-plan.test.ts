import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompiledPlan, Plan } from '@modalflow/compiler';
import { writePlan } from './write-plan.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'modalflow-plan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('writePlan', () => {
  it('writes host-step assets beside the models, named by their URIs, and lists them in plan.json', async () => {
    const plan = { format: 'modalflow.plan', stages: [] } as unknown as Plan;
    const compiled: CompiledPlan = {
      plan,
      models: { 's0-tok.onnx': bytes('model') },
      assets: { tok: bytes('{"a":1}'), other_tok: bytes('{"b":2}'), cfg: bytes('{}'), odd: bytes('x') },
    };
    const dir = path.join(tmp, 'out');
    const written = await writePlan(dir, compiled, {
      tok: 'clip/tokenizer.json', other_tok: 'bert/tokenizer.json', cfg: '../../etc/s0-tok.onnx', odd: 'a/..',
    });
    expect(written.assets).toEqual({ cfg: 's0-tok-2.onnx', odd: 'a', other_tok: 'tokenizer.json', tok: 'tokenizer-2.json' });
    expect(readdirSync(dir).sort()).toEqual(['a', 'plan.json', 's0-tok-2.onnx', 's0-tok.onnx', 'tokenizer-2.json', 'tokenizer.json']);
    expect(readFileSync(path.join(dir, 'tokenizer-2.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(path.join(dir, 's0-tok.onnx'), 'utf8')).toBe('model');
    expect(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')).assets).toEqual(written.assets);
  });

  it('leaves plan.json as the compiler made it when no step reads an asset', async () => {
    const plan = { format: 'modalflow.plan', stages: [] } as unknown as Plan;
    const dir = path.join(tmp, 'plain');
    await writePlan(dir, { plan, models: {}, assets: {} }, {});
    expect(JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8'))).toEqual(plan);
  });
});
