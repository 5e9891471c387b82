import type { DType, Tensor } from './tensor.ts';
import type { Dim, Shape } from './shape.ts';
import type { PortSpec } from './ports.ts';
import type { ParamSpecs, ParamValues } from './params.ts';
import { viewProblems, type NodeViews } from './node-views.ts';

export type Category =
  | 'models'
  | 'inputs'
  | 'preprocessing'
  | 'encoders'
  | 'pooling'
  | 'fusion'
  | 'reasoning'
  | 'heads'
  | 'losses'
  | 'outputs'
  | 'layers'
  | 'blocks';

export const CATEGORIES: readonly Category[] = [
  'inputs',
  'models',
  'preprocessing',
  'encoders',
  'pooling',
  'fusion',
  'reasoning',
  'heads',
  'losses',
  'outputs',
  'layers',
  'blocks',
];

/** How a weight is filled when no weights file supplies it. Only exact IEEE operations are
 *  used (no log/cos), so seeded weights are bit-identical on every machine and engine. */
export type WeightInit =
  | { kind: 'uniform'; bound: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number };

export interface WeightSpec {
  shape: number[];
  init: WeightInit;
  dtype?: 'float32';
  /**
   * State that is loaded and used but not trained, as a PyTorch buffer (BatchNorm's running
   * statistics, a fixed dictionary read from a file): declared so checkpoints load, left out
   * of `paramCount`, which counts what `module.parameters()` would.
   */
  buffer?: boolean;
}

/** Shapes and params as seen by one node once its inputs are known. */
export interface ShapeContext<P> {
  node: string;
  params: P;
  inputs: Record<string, Shape | undefined>;
  /** Symbol bindings made while matching inputs against the port templates. */
  dims: Record<string, Dim>;
}

export interface CostContext<P> extends ShapeContext<P> {
  outputs: Record<string, Shape>;
  /** A dimension's size for cost estimates; symbolic ones (batch) count as 1. */
  size(d: Dim): number;
}

/** Weight shapes must be known numbers: `need` turns a dim into one or throws a clear error. */
export interface WeightContext<P> extends CostContext<P> {
  need(d: Dim | undefined, what: string): number;
}

/**
 * The ONNX graph builder a lowering emits into. Core sits below `@modalflow/onnx`, so this is
 * empty here and the onnx package merges its `OnnxGraph` into it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LoweringGraph {}

/** What a lowering receives. */
export interface LowerContext<P> extends CostContext<P> {
  g: LoweringGraph;
  /** Value names of the connected inputs (absent for unconnected optional ports). */
  x: Record<string, string | undefined>;
  /** Initializer names of this node's weights, `<nodeId>.<weight>`. */
  w: Record<string, string>;
  /**
   * Declares a tensor the engine computes on the host, by the node's `hostFeeds`, from the
   * concrete shapes of the node's inputs just before a run, and feeds to the model: what only
   * the run's sizes determine (a resampling matrix for the picture's size). Returns its value
   * name, or undefined where the node cannot have one: an input not fed straight by a graph
   * input (its shape is known only mid-run), or a model built for training.
   */
  feed?: (name: string, dtype: DType, shape: Dim[]) => string | undefined;
}

/** A file the document names under `assets`, loaded by whoever runs the graph. */
export interface AssetData {
  name: string;
  uri: string;
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes` when the loader already knows it (saves hashing large models twice). */
  sha256?: string;
}

/** Looks up a loaded asset by its name in the document; undefined when it was not loaded. */
export type AssetLookup = (name: string) => AssetData | undefined;

export interface HostContext<P> {
  node: string;
  params: P;
  signal?: AbortSignal;
  asset: AssetLookup;
}

/** What a node's `checkInput` sees besides the shapes: its id and params. */
export interface InputCheckContext<P> {
  node: string;
  params: P;
}

/** Why `checkInput` refuses a run: a stable code, a message, and the port at fault. */
export interface InputRefusal {
  code: string;
  message: string;
  port?: string;
}

export interface PortContext<P> {
  node: string;
  params: P;
  asset: AssetLookup;
}

/** A node that runs a model file as it is, instead of emitting ONNX ops. */
export interface ExternalModel {
  /** Name of the asset holding the ONNX bytes. */
  asset: string;
  /** ONNX input name of each connected input port. */
  inputs: Record<string, string>;
  /** ONNX output name of each output port. */
  outputs: Record<string, string>;
  /**
   * ONNX names of float16 inputs and outputs (a model exported in half precision). Their ports
   * are float32, as the rest of a graph is; the engine converts at the model's boundary.
   */
  float16?: string[];
}

/** What a decoder's step lowering receives: its usual context plus the cache of earlier steps. */
export interface DecoderStepContext<P> extends LowerContext<P> {
  /** Key and value cache of each layer, [B, heads, P, head_dim] (P = 0 on the first step). */
  past: { key: string; value: string }[];
  /**
   * Cross-attention keys and values of each layer, [B, heads, S, head_dim], when the loop
   * computes them once per sequence with `DecoderStep.cross`; the step then reads these instead
   * of projecting `x.memory` again on every token.
   */
  cross?: { key: string; value: string }[];
}

/** A decoder's one-step model: the cache it keeps, and how to lower a step over new tokens. */
export interface DecoderStep<P> {
  /** Layers, heads and head width of the key/value cache, from the params. */
  cache: (params: P) => { layers: number; heads: number; headDim: number };
  /**
   * Logits of the new tokens `x.ids` [B, t] given the cache, and the cache grown by t
   * positions. Positions continue from the cache's length.
   */
  lower: (ctx: DecoderStepContext<P>) => { logits: string; present: { key: string; value: string }[] };
  /**
   * Each layer's cross-attention keys and values [B, heads, S, head_dim] from the encoder states
   * `x.memory`: they do not change while a sequence is written, so the loop computes them once.
   */
  cross?: (ctx: LowerContext<P>) => { key: string; value: string }[];
}

export interface Migration {
  /** Upgrades params written for version `from` to version `from + 1`. */
  from: number;
  up: (params: Record<string, unknown>) => Record<string, unknown>;
}

export type Role = 'input' | 'output' | 'op';

/**
 * A named set of params offered in the palette as a node of its own: one type can then serve
 * where two used to differ only in their defaults (a transformer as an image tower, or as a
 * single-stream fusion over text and image tokens).
 */
export interface Preset {
  /** Identifier, unique within the type: `<type>#<name>` picks it. */
  name: string;
  title: string;
  /** Where the palette lists it; the type's own category when absent. */
  category?: Category;
  /** Markdown; the first paragraph is the summary. */
  doc?: string;
  params: Record<string, unknown>;
}

/**
 * A node type this one absorbed. Documents naming the old type are read as this one: the old
 * node's params are rewritten for this type's version `into`, then migrated as usual.
 */
export interface Replaces {
  type: string;
  /** The newest version of the old type this reads. */
  version: number;
  into: number;
  params: (old: Record<string, unknown>) => Record<string, unknown>;
  /** Given to nodes without a label, so the graph still says what they were. */
  label?: string;
}

/**
 * What the caller of an audio or video input must do with a file before the graph sees it:
 * resample to `sampleRate` and fit to `samples` (0 keeps the length); take `frames` frames
 * (a fixed count) or `fps` frames per second, scaled to `height` x `width` (0 keeps the size).
 */
export interface MediaSpec {
  sampleRate?: number;
  samples?: number;
  frames?: number;
  fps?: number;
  height?: number;
  width?: number;
}

export interface NodeDef<P extends ParamSpecs = ParamSpecs> {
  type: string;
  version: number;
  category: Category;
  title: string;
  /** Markdown; the first paragraph is the summary. */
  doc: string;
  /** The node's formula in TeX, rendered by the editor. */
  formula?: string;
  /** Paper or reference implementation the node follows. */
  source?: string;
  role: Role;
  /** For input nodes: what kind of value the user supplies. */
  inputKind?: 'tensor' | 'text' | 'image' | 'regions' | 'audio' | 'video';
  /** For audio and video inputs: how a file becomes the tensor (rate, length, frames), from the params. */
  media?: (params: ParamValues<P>) => MediaSpec;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: P;
  migrations: Migration[];
  presets?: Preset[];
  replaces?: Replaces[];
  /**
   * Ports that depend on params or assets (an imported ONNX model's inputs and outputs).
   * Replaces `inputs`/`outputs` for this node; those then describe the node in the palette.
   */
  ports?: (ctx: PortContext<ParamValues<P>>) => {
    inputs: Record<string, PortSpec>;
    outputs: Record<string, PortSpec>;
    /** Parameters held inside an imported model file, for the graph's totals. */
    params?: number;
  };
  /** Runs a model file as its own stage (see ExternalModel). */
  model?: (ctx: PortContext<ParamValues<P>>) => ExternalModel;
  /** Output shapes; without it, output templates are filled from params and bindings. */
  infer?: (ctx: ShapeContext<ParamValues<P>>) => Record<string, Shape>;
  /** Output dtypes when they depend on params (input nodes); otherwise each port's first dtype. */
  dtypes?: (ctx: ShapeContext<ParamValues<P>>) => Record<string, DType>;
  weights?: (ctx: WeightContext<ParamValues<P>>) => Record<string, WeightSpec>;
  flops?: (ctx: CostContext<ParamValues<P>>) => number;
  /** Emits ONNX ops; returns the value name of each output port. */
  lower?: (ctx: LowerContext<ParamValues<P>>) => Record<string, string>;
  /**
   * Refuses a run before anything executes, from the concrete shapes of this node's inputs
   * (one array of dims per connected port). For inputs that would make the computed part ask
   * for far more memory than it was given, or fail deep inside the runtime with a generic
   * message: a very thin picture resized by its shorter side becomes a huge tensor. Symbolic
   * dims are only known once values arrive, so the compiled graph cannot check this itself.
   * Must be pure and cheap: it reads shapes, never values. The engine runs it for nodes whose
   * inputs all come straight from graph inputs, whose shapes it knows before the first stage.
   */
  checkInput?: (inputs: Record<string, readonly number[]>, ctx: InputCheckContext<ParamValues<P>>) => InputRefusal | undefined;
  /** Present on decoders: the model the generate loop runs once per token (see DecoderStep). */
  decoderStep?: DecoderStep<ParamValues<P>>;
  /** Marks the node that owns a decoding loop; the compiler gives it a generate stage. */
  generate?: true;
  /**
   * Computes the tensors the lowering declared with `feed`, from the concrete shapes of the
   * node's inputs (one array of dims per connected port). Pure and cheap for a size seen before:
   * the engine calls it on every run.
   */
  hostFeeds?: (inputs: Record<string, readonly number[]>, ctx: InputCheckContext<ParamValues<P>>) => Record<string, Tensor>;
  /** A step the engine runs on the host (tokenizing, label mapping) instead of ONNX. */
  host?: (inputs: Record<string, Tensor>, ctx: HostContext<ParamValues<P>>) => Record<string, Tensor> | Promise<Record<string, Tensor>>;
  /** What its values mean to a viewer (probabilities, attention, a similarity matrix…), so tools draw them without knowing the type. */
  views?: NodeViews;
}

export type AnyNodeDef = NodeDef<any>;

type DefineInput<P extends ParamSpecs> = Omit<NodeDef<P>, 'role' | 'migrations' | 'params' | 'doc'> & {
  role?: Role;
  migrations?: Migration[];
  params?: P;
  doc?: string;
};

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const PORT_RE = /^[a-z_][a-z0-9_]*$/i;

/** Declares a node type. Checks the declaration itself so a mistake fails at import time. */
export function defineNode<const P extends ParamSpecs = {}>(def: DefineInput<P>): NodeDef<P> {
  if (!TYPE_RE.test(def.type)) throw new Error(`node type "${def.type}" must look like "category.name"`);
  if (!Number.isInteger(def.version) || def.version < 1) throw new Error(`${def.type}: version must be an integer >= 1`);
  for (const port of [...Object.keys(def.inputs), ...Object.keys(def.outputs)]) {
    if (!PORT_RE.test(port)) throw new Error(`${def.type}: port name "${port}" must be an identifier`);
  }
  const role = def.role ?? 'op';
  if (role === 'op' && !def.lower && !def.host && !def.model && !def.generate) throw new Error(`${def.type}: an op node needs lower(), host() or model() (or generate, for a decoding loop)`);
  if (def.views) {
    const wrong = viewProblems(def.views, { inputs: def.inputs, outputs: def.outputs, params: def.params ?? {} });
    if (wrong.length) throw new Error(`${def.type}: ${wrong.join('; ')}`);
  }
  const migrations = def.migrations ?? [];
  for (let v = 1; v < def.version; v++) {
    if (!migrations.some((m) => m.from === v)) throw new Error(`${def.type}: no migration from version ${v}`);
  }
  return { ...def, role, migrations, params: (def.params ?? {}) as P, doc: def.doc ?? '' };
}
