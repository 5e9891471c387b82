import { describe, expect, it } from 'vitest';
import { ModalflowError, type GraphDoc, type Tensor } from '@modalflow/core';
import { buildStep, prepareTraining, type TrainConfig } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { floats, registry } from './fixtures.ts';

/**
 * Graphs that cannot be trained, and a run that diverges: each must stop with a coded error
 * whose message says what is wrong and where. Data-file errors are checked through the CLI
 * (apps/cli/src/commands/train.test.ts), where manifests are read.
 */

const node = (id: string, type: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, params, ...extra });
const edge = (from: string, to: string) => ({ from: from.split('.') as [string, string], to: to.split('.') as [string, string] });
const graph = (nodes: GraphDoc['nodes'], edges: GraphDoc['edges']): GraphDoc => ({ format: 'modalflow.graph', version: 1, meta: { title: 'errors' }, seed: 2, nodes, edges });
const sgd: TrainConfig = { optimizer: { kind: 'sgd', lr: 0.1 } };
const runtime = createNodeRuntime({ providers: ['cpu'] });

function thrown(fn: () => unknown): ModalflowError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModalflowError);
    return e as ModalflowError;
  }
  throw new Error('expected a ModalflowError, but nothing was thrown');
}

async function rejected(p: Promise<unknown>): Promise<ModalflowError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModalflowError);
    return e as ModalflowError;
  }
  throw new Error('expected a ModalflowError, but the promise resolved');
}

/** x [2, 4] -> linear -> MSE against t [2, 3], the loss marked as the objective. */
function regression(linear: Record<string, unknown> = {}, lossParams: Record<string, unknown> = {}): GraphDoc {
  return graph(
    [
      node('x', 'input.tensor', { shape: '2, 4' }),
      node('t', 'input.tensor', { shape: '2, 3' }),
      node('lin', 'layer.linear', { out: 3 }, linear),
      node('loss', 'loss.reconstruction', lossParams, { objective: 1 }),
    ],
    [edge('x.value', 'lin.x'), edge('lin.y', 'loss.prediction'), edge('t.value', 'loss.target')],
  );
}

describe('graphs that cannot be trained', () => {
  it('a graph without a loss node: MF_TRAIN_NO_OBJECTIVE', () => {
    const doc = graph(
      [node('x', 'input.tensor', { shape: '2, 4' }), node('lin', 'layer.linear', { out: 3 }), node('out', 'output.tensor')],
      [edge('x.value', 'lin.x'), edge('lin.y', 'out.value')],
    );
    const e = thrown(() => prepareTraining(doc, registry, { train: sgd, file: 'no-loss.json' }));
    expect(e.code).toBe('MF_TRAIN_NO_OBJECTIVE');
    expect(e.message).toContain('no loss node');
    expect(e.message).toContain('no-loss.json');
  });

  it('an objective that names no node: MF_TRAIN_NO_OBJECTIVE naming it', () => {
    const e = thrown(() => prepareTraining(regression(), registry, { train: { ...sgd, objectives: { lossy: 1 } } }));
    expect(e.code).toBe('MF_TRAIN_NO_OBJECTIVE');
    expect(e.message).toContain('"lossy"');
  });

  it('every weight frozen with trainable: false: MF_TRAIN_NOTHING_TRAINABLE', () => {
    const e = thrown(() => prepareTraining(regression({ trainable: false }), registry, { train: sgd, file: 'frozen.json' }));
    expect(e.code).toBe('MF_TRAIN_NOTHING_TRAINABLE');
    expect(e.message).toMatch(/frozen/);
    expect(e.message).toContain('frozen.json');
    // The same graph trains once the flag is overridden by a pattern.
    expect(prepareTraining(regression({ trainable: false }), registry, { train: { ...sgd, unfreeze: ['lin.*'] } }).params.map((p) => p.name)).toEqual(['lin.weight', 'lin.bias']);
  });

  it('a loss computed only from inputs, beside a trainable branch: MF_TRAIN_NO_GRADIENT naming the objective', () => {
    const doc = graph(
      [
        node('x', 'input.tensor', { shape: '2, 4' }),
        node('t', 'input.tensor', { shape: '2, 4' }),
        node('lin', 'layer.linear', { out: 3 }),
        node('out', 'output.tensor'),
        node('loss', 'loss.reconstruction', {}, { objective: 1 }),
      ],
      [edge('x.value', 'lin.x'), edge('lin.y', 'out.value'), edge('x.value', 'loss.prediction'), edge('t.value', 'loss.target')],
    );
    const setup = prepareTraining(doc, registry, { train: sgd, file: 'inputs-only.json' });
    const e = thrown(() => buildStep(setup, { 'x.value': [2, 4], 't.value': [2, 4] }, setup.initial));
    expect(e.code).toBe('MF_TRAIN_NO_GRADIENT');
    expect(e.message).toContain('loss.loss');
    expect(e.message).toContain('does not depend on any trainable weight');
    expect(e.message).toContain('inputs-only.json');
  });

  it('weights that reach the loss only through a rounding (a row mask cast to bool): MF_TRAIN_NO_GRADIENT', () => {
    // head.itm's match probability used as loss.reconstruction's row mask: the mask is cast to
    // bool and back, a step function, so the weights reach the loss with no gradient.
    const doc = graph(
      [
        node('x', 'input.tensor', { shape: '2, 4' }),
        node('p', 'input.tensor', { shape: '2, 3' }),
        node('t', 'input.tensor', { shape: '2, 3' }),
        node('itm', 'head.itm'),
        node('loss', 'loss.reconstruction', {}, { objective: 1 }),
      ],
      [edge('x.value', 'itm.x'), edge('itm.match', 'loss.mask'), edge('p.value', 'loss.prediction'), edge('t.value', 'loss.target')],
    );
    const setup = prepareTraining(doc, registry, { train: sgd });
    // The weights are upstream of the objective, so they count as trainable until gradients are taken.
    expect(setup.params.map((p) => p.name)).toEqual(['itm.weight', 'itm.bias']);
    const e = thrown(() => buildStep(setup, { 'x.value': [2, 4], 'p.value': [2, 3], 't.value': [2, 3] }, setup.initial));
    expect(e.code).toBe('MF_TRAIN_NO_GRADIENT');
    expect(e.message).toContain('loss.loss');
  });

  it('weights that reach the loss only through a top-k index (a host step): MF_TRAIN_HOST_AFTER_MODEL naming both nodes', () => {
    const doc = graph(
      [
        node('x', 'input.tensor', { shape: '2, 4' }),
        // top-k indices are [B, k], so the logits are [B, k, C].
        node('z', 'input.tensor', { shape: '2, 1, 3' }),
        node('lin', 'layer.linear', { out: 3 }),
        node('top', 'output.topk_labels', { k: 1, labels: ['a', 'b', 'c'] }),
        node('ce', 'loss.cross_entropy', {}, { objective: 1 }),
      ],
      [edge('x.value', 'lin.x'), edge('lin.y', 'top.scores'), edge('top.indices', 'ce.targets'), edge('z.value', 'ce.logits')],
    );
    const e = thrown(() => prepareTraining(doc, registry, { train: sgd, file: 'topk.json' }));
    expect(e.code).toBe('MF_TRAIN_HOST_AFTER_MODEL');
    expect(e.at.node).toBe('top');
    expect(e.message).toContain('"top"');
    expect(e.message).toContain('"lin"');
  });

  it('a classifier whose answers are named by top-k labels after the model trains; evaluation leaves the named output out', async () => {
    const doc = graph(
      [
        node('x', 'input.tensor', { shape: '2, 4' }),
        node('y', 'input.tensor', { dtype: 'int64', shape: '2' }),
        node('lin', 'layer.linear', { out: 3 }),
        node('top', 'output.topk_labels', { k: 1, labels: ['a', 'b', 'c'] }),
        node('ce', 'loss.cross_entropy', {}, { objective: 1 }),
      ],
      [edge('x.value', 'lin.x'), edge('lin.y', 'top.scores'), edge('lin.y', 'ce.logits'), edge('y.value', 'ce.targets')],
    );
    const setup = prepareTraining(doc, registry, { train: sgd });
    expect(setup.params.map((p) => p.name).sort()).toEqual(['lin.bias', 'lin.weight']);
    expect(setup.outputs.map((o) => o.name)).not.toContain('top');
    const program = await createEngine(runtime, { registry }).train(setup);
    try {
      const labels = { dtype: 'int64' as const, dims: [2], data: BigInt64Array.of(0n, 2n) };
      const first = await program.step({ x: floats([2, 4], 1), y: labels });
      expect(Number.isFinite(first.loss)).toBe(true);
      const e = await program.evaluate({ x: floats([2, 4], 1), y: labels });
      expect(e.metrics['ce.accuracy']).toBeDefined();
    } finally {
      await program.release();
    }
  });

  it('an op with no gradient rule on the way (LSTM): the first step fails with MF_GRAD_NO_RULE naming the op and node', async () => {
    const doc = graph(
      [
        node('x', 'input.tensor', { shape: '2, 3, 4' }),
        node('t', 'input.tensor', { shape: '2, 5' }),
        node('rnn', 'encoder.lstm', { hidden: 5 }),
        node('loss', 'loss.reconstruction', {}, { objective: 1 }),
      ],
      [edge('x.value', 'rnn.x'), edge('rnn.final', 'loss.prediction'), edge('t.value', 'loss.target')],
    );
    const setup = prepareTraining(doc, registry, { train: sgd });
    const program = await createEngine(runtime, { registry }).train(setup);
    try {
      const before = await program.weights();
      const e = await rejected(program.step({ x: floats([2, 3, 4], 1), t: floats([2, 5], 2) }));
      expect(e.code).toBe('MF_GRAD_NO_RULE');
      expect(e.at.node).toBe('rnn');
      expect(e.message).toMatch(/^MF_GRAD_NO_RULE: LSTM "rnn\//);
      expect(e.message).toContain('no gradient rule');
      expect(program.stepsTaken).toBe(0);
      expect(await program.weights()).toEqual(before);
    } finally {
      await program.release();
    }
  });
});

describe('a run that diverges', () => {
  it('stops with MF_TRAIN_NONFINITE naming the step and the first non-finite tensor, leaving the weights as before that step', async () => {
    // All-equal inputs make every weight of a row move the same way, so one step at a huge
    // learning rate makes the next step's matrix product overflow float32, deterministically.
    const x: Tensor = { dtype: 'float32', dims: [2, 4], data: new Float32Array(8).fill(10) };
    const t: Tensor = { dtype: 'float32', dims: [2, 3], data: new Float32Array(6) };
    const setup = prepareTraining(regression(), registry, { train: { optimizer: { kind: 'sgd', lr: 1e37 } } });
    const program = await createEngine(runtime, { registry }).train(setup);
    try {
      const first = await program.step({ x, t });
      expect(Number.isFinite(first.loss)).toBe(true);
      const after1 = await program.weights();
      const e = await rejected(program.step({ x, t }));
      expect(e.code).toBe('MF_TRAIN_NONFINITE');
      expect(e.message).toContain('step 2:');
      expect(e.message).toContain('the first non-finite value is "lin.y"');
      expect(e.at.node).toBe('lin');
      expect(program.stepsTaken).toBe(1);
      expect(await program.weights()).toEqual(after1);
      // The weights did move on step 1, so "unchanged" above is not trivially true.
      expect(after1.get('lin.weight')).not.toEqual(setup.initial.get('lin.weight'));
    } finally {
      await program.release();
    }
  });
});
