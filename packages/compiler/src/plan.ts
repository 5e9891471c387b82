import type { DType, MediaSpec, Shape } from '@modalflow/core';

export type Granularity = 'segments' | 'whole' | 'per-node';

export interface TensorInfo {
  dtype: DType;
  shape: Shape;
}

export interface Binding {
  /** Name inside the stage (the ONNX input/output name, or the host step's port). */
  name: string;
  /** Global tensor id, `<nodeId>.<port>`. */
  tensor: string;
}

interface StageBase {
  id: string;
  /** Graph nodes this stage computes, in order. */
  nodes: string[];
  inputs: Binding[];
  outputs: Binding[];
  /** Graph inputs this stage depends on; the basis of partitioning and of cache reuse. */
  dependsOn: string[];
  flops: number;
}

export interface OnnxStage extends StageBase {
  kind: 'onnx';
  /** Set when the stage runs an imported model file as it is rather than compiled ops. */
  external?: { asset: string };
  /** ONNX names of inputs and outputs the model holds in float16, converted from and to float32 around each run. */
  float16?: string[];
  /** Key into CompiledPlan.models, also the file name when written to disk. */
  model: string;
  /** sha256 of the model bytes: together with input hashes it keys the engine's cache. */
  hash: string;
  params: number;
}

export interface HostStage extends StageBase {
  kind: 'host';
  /** Document assets the step reads (a tokenizer file), by name; their bytes travel beside the plan. */
  assets: string[];
  /** Node type whose host() runs this stage. */
  step: string;
  typeVersion: number;
  params: Record<string, unknown>;
  hash: string;
}

/** One layer's cache as the step model names it: where it goes in, where it comes out. */
export interface CacheBinding {
  past: string;
  present: string;
  heads: number;
  headDim: number;
}

/**
 * A decoding loop: the step model runs once per new token, its key/value cache fed back in
 * (kept in the runtime between steps), until every row emits a stop token or reaches the
 * maximum length. Inputs are bound as `encoder_hidden_states` and `prompt`.
 */
export interface GenerateStage extends StageBase {
  kind: 'generate';
  /** Set when the step model is an imported decoder (Optimum layout) rather than compiled. */
  external?: { asset: string };
  model: string;
  hash: string;
  params: number;
  /** The generate node's params: strategy, lengths, stop tokens, vocabulary. */
  settings: Record<string, unknown>;
  cache: CacheBinding[];
  /** Longest prompt plus generated sequence the decoder's positions cover, when known. */
  maxPositions?: number;
  /** Model input names for the new tokens and the encoder states. */
  names: { ids: string; memory?: string; mask?: string; positions?: string; useCache?: string };
  /**
   * Set when cross-attention keys and values are computed once per sequence: `model` (a key into
   * CompiledPlan.models) reads the encoder states as `encoder_hidden_states` and gives `outputs`,
   * which the step model takes as inputs of the same names.
   */
  cross?: { model: string; hash: string; outputs: string[] };
}

export type Stage = OnnxStage | HostStage | GenerateStage;

export interface PlanInput extends TensorInfo {
  /** The input node's id; callers pass values under this name. */
  name: string;
  tensor: string;
  kind: 'tensor' | 'text' | 'image' | 'regions' | 'audio' | 'video';
  description: string;
  /** Audio and video inputs: the rate, length and frames a file is turned into. */
  media?: MediaSpec;
  /**
   * Nothing the plan returns depends on it (a label only a loss node reads): a run may leave it
   * out. Training still needs it.
   */
  optional?: boolean;
}

export interface PlanOutput extends TensorInfo {
  name: string;
  tensor: string;
}

/**
 * A node whose `checkInput` the engine runs on the caller's values before the first stage.
 * Only nodes whose connected inputs are all graph inputs get one: their shapes are known before
 * anything runs. Data only; the engine finds the check by `type` in the registry it was given.
 */
export interface InputCheck {
  node: string;
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  /** The plan input tensor (PlanInput.tensor) feeding each connected port, by port. */
  inputs: Record<string, string>;
}

/**
 * Tensors a node's `hostFeeds` computes from the shapes of the graph inputs feeding it, before
 * the first stage; stages bind them as `<nodeId>.#<name>`. Data only, like InputCheck.
 */
export interface HostFeed {
  node: string;
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  /** The plan input tensor feeding each connected port, by port. */
  inputs: Record<string, string>;
  names: string[];
}

/** Everything needed to run a graph, as JSON; model bytes travel beside it. */
export interface Plan {
  format: 'modalflow.plan';
  version: 1;
  graphHash: string;
  title: string;
  granularity: Granularity;
  opset: number;
  inputs: PlanInput[];
  outputs: PlanOutput[];
  /** Extra tensors kept for inspection, by `<nodeId>.<port>`. */
  taps: string[];
  tensors: Record<string, TensorInfo>;
  stages: Stage[];
  /** Checks of the caller's input shapes, run before any stage; absent when no node has one. */
  checks?: InputCheck[];
  /** Tensors computed on the host from input shapes, before any stage; absent when none. */
  feeds?: HostFeed[];
  /** Where each asset a host step reads was written, by asset name (set when saved to disk). */
  assets?: Record<string, string>;
  costs: {
    params: number;
    flops: number;
    nodes: Record<string, { params: number; flops: number }>;
  };
}

export interface CompiledPlan {
  plan: Plan;
  models: Record<string, Uint8Array>;
  /** Bytes of the document assets host steps read, by asset name. */
  assets: Record<string, Uint8Array>;
}
