import { ModalflowError, NodeError, dimValue, type Analysis, type AssetData, type DecoderStepContext, type Dim, type Tensor } from '@modalflow/core';
import { OnnxGraph, decodeModel, encodeModel } from '@modalflow/onnx';
import type { Binding, CacheBinding, GenerateStage } from './plan.ts';
import { nodeWeights, type WeightSource } from './weights.ts';

export interface GenerateBuild {
  stage: Omit<GenerateStage, 'id' | 'nodes' | 'dependsOn' | 'flops' | 'model' | 'hash'>;
  bytes: Uint8Array;
  /** Set when the bytes are an asset's, whose hash the loader may already know. */
  sha256?: string;
  /** The decoder node the step model was lowered from, which runs inside the loop. */
  decoder?: string;
  /** The model that turns encoder states into every layer's cross-attention keys and values. */
  cross?: { bytes: Uint8Array; outputs: string[] };
}

/** Names the step model uses, those of Hugging Face Optimum's decoder exports. */
export const STEP_NAMES = { ids: 'input_ids', memory: 'encoder_hidden_states', logits: 'logits' } as const;
export const pastName = (layer: number, kv: 'key' | 'value') => `past_key_values.${layer}.${kv}`;
export const presentName = (layer: number, kv: 'key' | 'value') => `present.${layer}.${kv}`;
/** Cross-attention keys and values, outputs of the cross model and inputs of the step model. */
export const crossName = (layer: number, kv: 'key' | 'value') => `cross_key_values.${layer}.${kv}`;

/**
 * A decoder's weights as initializers added on first use, so each model holds only what it
 * reads (the cross model just the cross-attention projections, the step model none of them).
 */
function lazyWeights(g: OnnxGraph, prefix: string, tensors: Record<string, Tensor>): Record<string, string> {
  const added: Record<string, string> = {};
  return new Proxy(added, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      if (!(name in target) && name in tensors) target[name] = g.addInitializer(`${prefix}.${name}`, tensors[name]!);
      return target[name];
    },
    has: (_t, name) => typeof name === 'string' && name in tensors,
  });
}

interface Options {
  file?: string;
  weights?: WeightSource;
  symbols?: Record<string, number>;
  asset: (name: string, node: string) => AssetData;
  metadata: Record<string, string>;
  opset: number;
  producer: { name: string; version: string };
  /** Compute cross-attention keys and values once per sequence (CompileOptions.crossOnce). */
  crossOnce?: boolean;
}

/**
 * The stage of a generate node: its step model is either the decoder wired to its `logits`
 * port, lowered once more as a single step over a key/value cache, or an imported decoder
 * named by its `model` param.
 */
export function buildGenerateStage(analysis: Analysis, genId: string, o: Options): GenerateBuild {
  const gen = analysis.nodes.get(genId)!;
  const at = { file: o.file, node: genId };
  const edge = (node: string, port: string) => analysis.incoming.get(`${node}.${port}`);
  const tensorOf = (e: { from: [string, string] }) => `${e.from[0]}.${e.from[1]}`;
  const settings = gen.params as Record<string, unknown>;
  const outputs = Object.keys(gen.outputs).map((port) => ({ name: port, tensor: `${genId}.${port}` }));
  const inputs: Binding[] = [];
  const prompt = edge(genId, 'prompt');
  if (prompt) inputs.push({ name: 'prompt', tensor: tensorOf(prompt) });

  const asset = typeof settings['model'] === 'string' ? (settings['model'] as string) : '';
  const logits = edge(genId, 'logits');
  if (asset && logits) {
    throw new ModalflowError('MF_GENERATE_TWO_DECODERS', 'the generate node has both a decoder wired to "logits" and an imported model in "model"; keep one', { ...at, port: 'logits' });
  }
  if (asset) {
    const loaded = o.asset(asset, genId);
    const info = decodeModel(loaded.bytes);
    const names = new Set(info.inputs.map((v) => v.name));
    const outNames = new Set(info.outputs.map((v) => v.name));
    if (!names.has(STEP_NAMES.ids) || !outNames.has(STEP_NAMES.logits)) {
      throw new ModalflowError('MF_GENERATE_NOT_DECODER', `asset "${asset}" is not a decoder in the Optimum layout: it needs an "input_ids" input and a "logits" output`, { ...at, param: 'model' });
    }
    const cache: CacheBinding[] = [];
    for (const v of info.inputs) {
      const m = /^past_key_values\.(\d+)\.(.+)$/.exec(v.name);
      if (!m) continue;
      const present = `present.${m[1]}.${m[2]}`;
      const [heads, headDim] = [v.shape?.[1], v.shape?.[3]];
      if (!outNames.has(present) || typeof heads !== 'number' || typeof headDim !== 'number') {
        throw new ModalflowError('MF_GENERATE_NOT_DECODER', `asset "${asset}": cache input "${v.name}" needs a matching "${present}" output and a [batch, heads, past, head_dim] shape with known heads and head_dim`, { ...at, param: 'model' });
      }
      cache.push({ past: v.name, present, heads, headDim });
    }
    const memory = edge(genId, 'memory');
    if (names.has(STEP_NAMES.memory) && !memory) {
      throw new ModalflowError('MF_GENERATE_NO_MEMORY', `the imported decoder reads "encoder_hidden_states": connect the encoder's states to "memory"`, { ...at, port: 'memory' });
    }
    if (memory && names.has(STEP_NAMES.memory)) inputs.push({ name: 'encoder_hidden_states', tensor: tensorOf(memory) });
    return {
      stage: {
        kind: 'generate', inputs, outputs, settings, cache, params: 0, external: { asset },
        names: {
          ids: STEP_NAMES.ids,
          ...(names.has(STEP_NAMES.memory) ? { memory: STEP_NAMES.memory } : {}),
          ...(names.has('attention_mask') ? { mask: 'attention_mask' } : {}),
          ...(names.has('position_ids') ? { positions: 'position_ids' } : {}),
          ...(names.has('use_cache_branch') ? { useCache: 'use_cache_branch' } : {}),
        },
      },
      bytes: loaded.bytes,
      ...(loaded.sha256 ? { sha256: loaded.sha256 } : {}),
    };
  }

  if (!logits) {
    throw new ModalflowError('MF_GENERATE_NO_DECODER', 'the generate node needs a decoder: wire a decoder\'s "logits" to it, or name an imported decoder in "model"', { ...at, port: 'logits' });
  }
  const decId = logits.from[0];
  const dec = analysis.nodes.get(decId)!;
  const step = dec.def.decoderStep;
  if (!step) {
    throw new ModalflowError('MF_GENERATE_NOT_DECODER', `"${decId}" (${dec.def.type}) cannot run one token at a time; wire a decoder (such as decoder.transformer) to "logits"`, { ...at, port: 'logits' });
  }
  const memoryEdge = edge(decId, 'memory');
  const tensors = nodeWeights(analysis, decId, o.weights);
  const g = new OnnxGraph(`${genId}-step`);
  const batch: Dim = 'batch_size';
  const ids = g.addInput(STEP_NAMES.ids, 'int64', [batch, 'sequence_length']);
  const x: Record<string, string | undefined> = { ids };
  const shape = step.cache(dec.params);
  const lowerCtx = (graph: OnnxGraph, xs: Record<string, string | undefined>) => ({
    node: decId, params: dec.params, inputs: dec.inputShapes, outputs: dec.outputShapes, dims: dec.dims,
    size: (d: Dim) => dimValue(d, o.symbols ?? {}), g: graph, x: xs, w: lazyWeights(graph, dec.weightPrefix, tensors),
  });
  const fail = (e: unknown, what: string): never => {
    const port = e instanceof NodeError ? e.port : undefined;
    throw new ModalflowError('MF_LOWERING', `could not lower ${what} of "${dec.def.type}": ${(e as Error).message}`, { node: decId, ...(port ? { port } : {}) });
  };
  let crossModel: GenerateBuild['cross'];
  let cross: { key: string; value: string }[] | undefined;
  if (memoryEdge) {
    const src = analysis.nodes.get(memoryEdge.from[0])!;
    const mshape = src.outputShapes[memoryEdge.from[1]]!;
    inputs.push({ name: 'encoder_hidden_states', tensor: tensorOf(memoryEdge) });
    if (step.cross && o.crossOnce !== false) {
      // Keys and values of the encoder states are the same for every token: one model computes
      // them once per sequence and the step model reads them from the runtime.
      const cg = new OnnxGraph(`${genId}-cross`);
      const memory = cg.addInput(STEP_NAMES.memory, 'float32', [batch, mshape[1]!, mshape[2]!]);
      let kvs: { key: string; value: string }[] = [];
      try {
        kvs = cg.scope(decId, () => step.cross!(lowerCtx(cg, { memory })));
      } catch (e) {
        fail(e, 'the cross-attention keys and values');
      }
      const crossShape: Dim[] = [batch, shape.heads, mshape[1]!, shape.headDim];
      const names: string[] = [];
      kvs.forEach((kv, l) => {
        for (const k of ['key', 'value'] as const) {
          cg.addOutput(cg.identity(kv[k], crossName(l, k)), 'float32', crossShape);
          names.push(crossName(l, k));
        }
      });
      crossModel = {
        outputs: names,
        bytes: encodeModel(cg, {
          opset: o.opset, producerName: o.producer.name, producerVersion: o.producer.version,
          docString: `cross-attention keys and values of ${decId}, computed once per sequence by ${genId}`,
          metadata: { ...o.metadata, 'modalflow.nodes': `${decId},${genId}` },
        }),
      };
      cross = kvs.map((_, l) => ({
        key: g.addInput(crossName(l, 'key'), 'float32', crossShape),
        value: g.addInput(crossName(l, 'value'), 'float32', crossShape),
      }));
    } else {
      x['memory'] = g.addInput(STEP_NAMES.memory, 'float32', [batch, mshape[1]!, mshape[2]!]);
    }
  }
  const past: { key: string; value: string }[] = [];
  const cache: CacheBinding[] = [];
  for (let l = 0; l < shape.layers; l++) {
    const kv = (k: 'key' | 'value') => g.addInput(pastName(l, k), 'float32', [batch, shape.heads, 'past_sequence_length', shape.headDim]);
    past.push({ key: kv('key'), value: kv('value') });
    for (const k of ['key', 'value'] as const) cache.push({ past: pastName(l, k), present: presentName(l, k), heads: shape.heads, headDim: shape.headDim });
  }
  const ctx: DecoderStepContext<any> = { ...lowerCtx(g, x), past, ...(cross ? { cross } : {}) };
  let out: ReturnType<typeof step.lower> | undefined;
  try {
    out = g.scope(decId, () => step.lower(ctx));
  } catch (e) {
    fail(e, 'one step');
  }
  out = out!;
  // Output shapes are declared so the model passes the ONNX checker's full check.
  const vocab = dec.outputShapes['logits']?.[2] ?? 'vocab';
  g.addOutput(g.identity(out.logits, STEP_NAMES.logits), 'float32', [batch, 'sequence_length', vocab]);
  const cacheShape: Dim[] = [batch, shape.heads, 'total_sequence_length', shape.headDim];
  out.present.forEach((p, l) => {
    g.addOutput(g.identity(p.key, presentName(l, 'key')), 'float32', cacheShape);
    g.addOutput(g.identity(p.value, presentName(l, 'value')), 'float32', cacheShape);
  });
  const bytes = encodeModel(g, {
    opset: o.opset, producerName: o.producer.name, producerVersion: o.producer.version,
    docString: `one decoding step of ${decId}, looped by ${genId}`,
    metadata: { ...o.metadata, 'modalflow.nodes': `${decId},${genId}` },
  });
  return {
    stage: {
      kind: 'generate', inputs, outputs, settings, cache, params: dec.paramCount,
      ...(typeof dec.params['max_positions'] === 'number' ? { maxPositions: dec.params['max_positions'] as number } : {}),
      names: { ids: STEP_NAMES.ids, ...(memoryEdge && !crossModel ? { memory: STEP_NAMES.memory } : {}) },
    },
    bytes,
    decoder: decId,
    ...(crossModel ? { cross: crossModel } : {}),
  };
}
