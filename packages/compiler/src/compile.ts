import {
  ModalflowError,
  analyzeGraph,
  graphHash,
  sha256Hex,
  canonicalJson,
  type Analysis,
  type GraphDoc,
  type NodeRegistry,
  type AssetLookup,
  type AnyNodeDef,
  type BlockLibraryLookup,
} from '@modalflow/core';
import { encodeModel } from '@modalflow/onnx';
import { partition } from './partition.ts';
import { lowerSegment } from './lower.ts';
import { checkWeights, type WeightSource } from './weights.ts';
import { assetHash } from './asset-hash.ts';
import { buildGenerateStage } from './generate.ts';
import type { CompiledPlan, GenerateStage, Granularity, HostFeed, InputCheck, Plan, PlanInput, Stage } from './plan.ts';

export const OPSET = 17;
export const PRODUCER = 'modalflow';
export const PRODUCER_VERSION = '0.1.0';

export interface CompileOptions {
  file?: string;
  granularity?: Granularity;
  /** Ports to keep as extra outputs, `<nodeId>.<port>`. */
  taps?: string[];
  /** Weights by `<nodeId>.<weight>`; without them, weights are generated from the seed. */
  weights?: WeightSource;
  /** Sizes for symbolic dims in cost estimates. */
  symbols?: Record<string, number>;
  /** Loaded document assets (imported models, tokenizer files). */
  asset?: AssetLookup;
  /** Emit only the host steps (training builds the computed part itself). */
  hostOnly?: boolean;
  /** Reads the block library files the document pins. */
  library?: BlockLibraryLookup;
  /**
   * Let lowerings declare tensors the engine computes from the run's input sizes
   * (LowerContext.feed; default true). False lowers as a training step model does.
   */
  hostFeeds?: boolean;
  /**
   * Decoding loops compute cross-attention keys and values once per sequence in a model of
   * their own (default true). False projects the encoder states again in every step, as a
   * single step model that takes them as an input (what the benchmark compares against).
   */
  crossOnce?: boolean;
}

/** Analyses a document and throws one error listing every problem, or returns the analysis. */
export function analyzeOrThrow(doc: GraphDoc, registry: NodeRegistry, options: CompileOptions = {}): Analysis {
  const analysis = analyzeGraph(doc, registry, { file: options.file, symbols: options.symbols, asset: options.asset, library: options.library });
  const errors = analysis.problems.filter((p) => p.severity !== 'warning');
  if (errors.length) throw ModalflowError.fromProblems(errors);
  return analysis;
}

/**
 * migrate -> validate -> order -> infer -> partition -> lower -> Plan. Pure: reads no files;
 * the caller loads the document and any weights file.
 */
export function compileGraph(doc: GraphDoc, registry: NodeRegistry, options: CompileOptions = {}): CompiledPlan {
  const granularity = options.granularity ?? 'segments';
  const analysis = analyzeOrThrow(doc, registry, options);
  if (doc.weights && !options.weights) {
    throw new ModalflowError('MF_WEIGHTS_NOT_LOADED', `the graph names weights "${doc.weights.uri}"; load that file and pass it to the compiler`, {
      file: options.file,
      path: '/weights',
    });
  }
  if (options.weights) checkWeights(analysis, options.weights, options.file);
  const hash = graphHash(doc);
  const { nodes, order, incoming } = analysis;

  const taps = [...new Set(options.taps ?? [])];
  for (const tap of taps) {
    // Inner nodes of blocks have dotted ids (`layer3.attn`); the port is after the last dot.
    const dot = tap.lastIndexOf('.');
    const nodeId = dot > 0 ? tap.slice(0, dot) : undefined;
    const port = dot > 0 ? tap.slice(dot + 1) : undefined;
    const info = nodeId ? nodes.get(nodeId) : undefined;
    if (!info || !port || !info.outputs[port]) {
      throw new ModalflowError('MF_BAD_TAP', `tap "${tap}" does not name an output port as <nodeId>.<port>`, { file: options.file, node: nodeId, port });
    }
  }

  const segments = partition(analysis, granularity).filter((s) => !options.hostOnly || s.kind === 'host');
  const stageOfNode = new Map<string, number>();
  segments.forEach((s, i) => s.nodes.forEach((n) => stageOfNode.set(n, i)));

  // A tensor leaves its stage when another stage, an output node or a tap reads it.
  const exported = new Set<string>(taps);
  for (const id of order) {
    for (const port of Object.keys(nodes.get(id)!.inputs)) {
      const e = incoming.get(`${id}.${port}`);
      if (!e) continue;
      const from = stageOfNode.get(e.from[0]);
      if (from !== undefined && from !== stageOfNode.get(id)) exported.add(`${e.from[0]}.${e.from[1]}`);
    }
  }
  // A generate stage reads what its decoder reads (the encoder states), not the decoder's logits.
  for (const seg of segments) {
    if (seg.kind !== 'generate') continue;
    const dec = incoming.get(`${seg.nodes[0]}.logits`)?.from[0];
    const mem = dec ? incoming.get(`${dec}.memory`) : undefined;
    if (mem) exported.add(`${mem.from[0]}.${mem.from[1]}`);
  }

  const tensors: Plan['tensors'] = {};
  for (const id of order) {
    const info = nodes.get(id)!;
    for (const port of Object.keys(info.outputs)) {
      tensors[`${id}.${port}`] = { dtype: info.outputDtypes[port]!, shape: info.outputShapes[port]! };
    }
  }

  const models: Record<string, Uint8Array> = {};
  const assets: Record<string, Uint8Array> = {};
  const lookup = options.asset ?? (() => undefined);
  const needAsset = (name: string, node: string) => {
    const a = lookup(name);
    if (!a) {
      throw new ModalflowError('MF_ASSET_NOT_LOADED', `asset "${name}" is needed to compile but was not loaded`, { file: options.file, node, path: `/assets/${name}` });
    }
    return a;
  };
  const bindings = (nodeId: string, ports: string[], names?: Record<string, string>) =>
    ports.flatMap((port) => {
      const e = incoming.get(`${nodeId}.${port}`);
      return e ? [{ name: names ? names[port]! : port, tensor: `${e.from[0]}.${e.from[1]}` }] : [];
    });
  const feedNames = new Map<string, string[]>();
  const stages: Stage[] = segments.map((seg, i) => {
    const id = `s${i}-${seg.nodes[0]}${seg.nodes.length > 1 ? `+${seg.nodes.length - 1}` : ''}`;
    const flops = seg.nodes.reduce((a, n) => a + nodes.get(n)!.flops, 0);
    if (seg.kind === 'model') {
      const nodeId = seg.nodes[0]!;
      const info = nodes.get(nodeId)!;
      const ext = info.def.model!({ node: nodeId, params: info.params, asset: lookup });
      const loaded = needAsset(ext.asset, nodeId);
      const bytes = loaded.bytes;
      const model = `${id}.onnx`;
      models[model] = bytes;
      return {
        kind: 'onnx', id, nodes: seg.nodes, dependsOn: seg.dependsOn, flops, model, external: { asset: ext.asset },
        inputs: bindings(nodeId, Object.keys(info.inputs), ext.inputs),
        outputs: Object.keys(info.outputs).map((port) => ({ name: ext.outputs[port]!, tensor: `${nodeId}.${port}` })),
        hash: assetHash(loaded), params: info.paramCount,
        ...(ext.float16?.length ? { float16: ext.float16 } : {}),
      };
    }
    if (seg.kind === 'generate') {
      const built = buildGenerateStage(analysis, seg.nodes[0]!, {
        file: options.file, weights: options.weights, symbols: options.symbols, asset: needAsset, opset: OPSET, crossOnce: options.crossOnce ?? true,
        producer: { name: PRODUCER, version: PRODUCER_VERSION },
        metadata: { 'modalflow.graph_hash': hash, 'modalflow.stage': id },
      });
      const model = `${id}.onnx`;
      models[model] = built.bytes;
      // The decoder runs inside the loop: listed after the generate node, so its state shows while tokens are written.
      const loopNodes = built.decoder ? [...seg.nodes, built.decoder] : seg.nodes;
      let cross: GenerateStage['cross'];
      if (built.cross) {
        cross = { model: `${id}-cross.onnx`, hash: sha256Hex(built.cross.bytes), outputs: built.cross.outputs };
        models[cross.model] = built.cross.bytes;
      }
      // The stage's hash keys the engine's cache: it covers both models.
      const stepHash = built.sha256 ?? sha256Hex(built.bytes);
      return {
        ...built.stage, id, nodes: loopNodes, dependsOn: seg.dependsOn, flops, model,
        hash: cross ? sha256Hex(`${stepHash}+${cross.hash}`) : stepHash, ...(cross ? { cross } : {}),
      };
    }
    if (seg.kind === 'host') {
      const nodeId = seg.nodes[0]!;
      const info = nodes.get(nodeId)!;
      const used = assetParams(info.def, info.params);
      const hashes: string[] = [];
      for (const name of used) {
        const a = needAsset(name, nodeId);
        assets[name] = a.bytes;
        hashes.push(assetHash(a));
      }
      const stage: Stage = {
        kind: 'host', id, nodes: seg.nodes, dependsOn: seg.dependsOn, flops,
        inputs: bindings(nodeId, Object.keys(info.inputs)),
        outputs: Object.keys(info.outputs).map((port) => ({ name: port, tensor: `${nodeId}.${port}` })),
        step: info.def.type, typeVersion: info.def.version, params: info.params, assets: used,
        hash: sha256Hex(canonicalJson({ step: info.def.type, v: info.def.version, params: info.params, assets: hashes })),
      };
      return stage;
    }
    const lowered = lowerSegment(analysis, id, seg.nodes, exported, options.weights, options.symbols, undefined, options.hostFeeds ?? true);
    for (const [node, names] of lowered.feeds) feedNames.set(node, names);
    const bytes = encodeModel(lowered.graph, {
      opset: OPSET,
      producerName: PRODUCER,
      producerVersion: PRODUCER_VERSION,
      docString: `${doc.meta.title ?? 'graph'}: stage ${id} (${seg.nodes.join(', ')})`,
      metadata: { 'modalflow.graph_hash': hash, 'modalflow.stage': id, 'modalflow.nodes': seg.nodes.join(',') },
    });
    const model = `${id}.onnx`;
    models[model] = bytes;
    return {
      kind: 'onnx', id, nodes: seg.nodes, inputs: lowered.inputs, outputs: lowered.outputs, dependsOn: seg.dependsOn, flops,
      model, hash: sha256Hex(bytes), params: segmentParams(analysis, seg.nodes),
    };
  });

  const inputs: PlanInput[] = [];
  const outputs: Plan['outputs'] = [];
  for (const id of order) {
    const info = nodes.get(id)!;
    if (info.def.role === 'input') {
      // One value per output port: a single-port input is fed under the node id, a
      // multi-port one (region features plus boxes) under `<id>.<port>`.
      const ports = Object.keys(info.outputs);
      for (const port of ports) {
        inputs.push({
          name: ports.length === 1 ? id : `${id}.${port}`, tensor: `${id}.${port}`, kind: info.def.inputKind ?? 'tensor',
          dtype: info.outputDtypes[port]!, shape: info.outputShapes[port]!,
          description: info.outputs[port]!.description || info.def.title,
          ...(info.def.media ? { media: info.def.media(info.params) } : {}),
        });
      }
    } else if (info.def.role === 'output') {
      for (const port of Object.keys(info.inputs)) {
        const e = incoming.get(`${id}.${port}`);
        if (!e) continue;
        const tensor = `${e.from[0]}.${e.from[1]}`;
        outputs.push({ name: id, tensor, ...tensors[tensor]! });
      }
    }
  }

  // Stages whose results nothing returns (a loss beside the outputs) are left out of a run, and
  // inputs only they read become optional: inference should not ask for training labels.
  const needed = new Set<string>([...outputs.map((o) => o.tensor), ...taps]);
  const kept: Stage[] = [];
  for (let k = stages.length - 1; k >= 0; k--) {
    const stage = stages[k]!;
    if (!options.hostOnly && !stage.outputs.some((b) => needed.has(b.tensor))) continue;
    kept.unshift(stage);
    for (const b of stage.inputs) needed.add(b.tensor);
  }
  for (const input of inputs) if (!options.hostOnly && !needed.has(input.tensor)) input.optional = true;
  for (const stage of stages) if (!kept.includes(stage) && stage.kind !== 'host') delete models[stage.model];
  for (const stage of stages) if (!kept.includes(stage) && stage.kind === 'generate' && stage.cross) delete models[stage.cross.model];
  stages.splice(0, stages.length, ...kept);

  // The shapes of graph inputs are known before the first stage runs, so a node they feed
  // directly can refuse a run (a picture whose resize would need gigabytes) before any session
  // allocates; a node fed by computed tensors would only know its shapes mid-run.
  const inputTensors = new Set(inputs.map((i) => i.tensor));
  const running = new Set(stages.flatMap((s) => s.nodes));
  const checks: InputCheck[] = [];
  const feeds: HostFeed[] = [];
  for (const id of order) {
    const info = nodes.get(id)!;
    const names = feedNames.get(id);
    if (!names || !running.has(id)) continue;
    const fed: Record<string, string> = {};
    for (const port of Object.keys(info.inputs)) {
      const e = incoming.get(`${id}.${port}`);
      if (e) fed[port] = `${e.from[0]}.${e.from[1]}`;
    }
    feeds.push({ node: id, type: info.def.type, typeVersion: info.def.version, params: info.params, inputs: fed, names });
  }
  for (const id of order) {
    const info = nodes.get(id)!;
    if (!info.def.checkInput || !running.has(id)) continue;
    const fed: Record<string, string> = {};
    let direct = true;
    for (const port of Object.keys(info.inputs)) {
      const e = incoming.get(`${id}.${port}`);
      if (!e) continue;
      const tensor = `${e.from[0]}.${e.from[1]}`;
      if (!inputTensors.has(tensor)) direct = false;
      fed[port] = tensor;
    }
    if (direct && Object.keys(fed).length) checks.push({ node: id, type: info.def.type, typeVersion: info.def.version, params: info.params, inputs: fed });
  }

  const plan: Plan = {
    format: 'modalflow.plan', version: 1, graphHash: hash, title: doc.meta.title ?? '', granularity, opset: OPSET,
    inputs, outputs, taps, tensors, stages,
    ...(checks.length ? { checks } : {}),
    ...(feeds.length ? { feeds } : {}),
    costs: {
      params: analysis.totals.params,
      flops: analysis.totals.flops,
      nodes: Object.fromEntries(order.map((id) => [id, { params: nodes.get(id)!.paramCount, flops: nodes.get(id)!.flops }])),
    },
  };
  return { plan, models, assets };
}

/** Parameters a segment holds: a weight shared by instances of a shared block counts once. */
function segmentParams(analysis: Analysis, ids: string[]): number {
  let total = 0;
  const seen = new Set<string>();
  for (const id of ids) {
    const info = analysis.nodes.get(id)!;
    total += info.paramCount;
    for (const [name, w] of Object.entries(info.weights)) {
      const full = `${info.weightPrefix}.${name}`;
      if (seen.has(full) && !w.buffer) total -= w.shape.reduce((a, d) => a * d, 1);
      seen.add(full);
    }
  }
  return total;
}

/** Names of the assets a node's params point at. */
function assetParams(def: AnyNodeDef, params: Record<string, unknown>): string[] {
  return Object.entries(def.params as Record<string, { kind: string }>)
    .filter(([name, spec]) => spec.kind === 'asset' && typeof params[name] === 'string' && params[name] !== '')
    .map(([name]) => params[name] as string);
}
