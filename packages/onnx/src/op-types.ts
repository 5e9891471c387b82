import type { AttrKind, AttrOf } from './ir.ts';

/** An op that takes no attributes. */
type None = Record<never, never>;

// Shared attribute sets, so ops of one family cannot drift apart.
type ConvAttrs = {
  auto_pad: 'string';
  dilations: 'ints';
  group: 'int';
  kernel_shape: 'ints';
  pads: 'ints';
  strides: 'ints';
};
type RnnAttrs = {
  activation_alpha: 'floats';
  activation_beta: 'floats';
  activations: 'strings';
  clip: 'float';
  direction: 'string';
  hidden_size: 'int';
  layout: 'int';
};
/** Reductions that still take `axes` as an attribute at opset 17 (ReduceSum moved it to an input at 13). */
type ReduceAttrs = { axes: 'ints'; keepdims: 'int' };
type WindowAttrs = { output_datatype: 'int'; periodic: 'int' };
type RandomAttrs = { dtype: 'int'; seed: 'float' };

/**
 * Every operator of the default ONNX domain at opset 17 (the opset the encoder declares), mapped
 * to the kinds of the attributes that version accepts. onnxruntime ignores or rejects an
 * attribute it does not know, and a misspelt op type only fails when a session is created, so
 * `OnnxGraph.op` checks both against this table at compile time. Attributes added after opset 17
 * (Split's num_outputs, Resize's antialias, Cast's saturate, ...) are deliberately absent.
 * Constant's sparse_value and Optional's type are left out because `Attr` cannot express them;
 * use `OnnxGraph.opOf` for those and for ops of other domains.
 */
export interface OnnxOpAttrs {
  Abs: None;
  Acos: None;
  Acosh: None;
  Add: None;
  And: None;
  ArgMax: { axis: 'int'; keepdims: 'int'; select_last_index: 'int' };
  ArgMin: { axis: 'int'; keepdims: 'int'; select_last_index: 'int' };
  Asin: None;
  Asinh: None;
  Atan: None;
  Atanh: None;
  AveragePool: {
    auto_pad: 'string';
    ceil_mode: 'int';
    count_include_pad: 'int';
    kernel_shape: 'ints';
    pads: 'ints';
    strides: 'ints';
  };
  BatchNormalization: { epsilon: 'float'; momentum: 'float'; training_mode: 'int' };
  Bernoulli: RandomAttrs;
  BitShift: { direction: 'string' };
  BlackmanWindow: WindowAttrs;
  Cast: { to: 'int' };
  CastLike: None;
  Ceil: None;
  Celu: { alpha: 'float' };
  Clip: None;
  Compress: { axis: 'int' };
  Concat: { axis: 'int' };
  ConcatFromSequence: { axis: 'int'; new_axis: 'int' };
  Constant: {
    value: 'tensor';
    value_float: 'float';
    value_floats: 'floats';
    value_int: 'int';
    value_ints: 'ints';
    value_string: 'string';
    value_strings: 'strings';
  };
  ConstantOfShape: { value: 'tensor' };
  Conv: ConvAttrs;
  ConvInteger: ConvAttrs;
  ConvTranspose: ConvAttrs & { output_padding: 'ints'; output_shape: 'ints' };
  Cos: None;
  Cosh: None;
  CumSum: { exclusive: 'int'; reverse: 'int' };
  DFT: { axis: 'int'; inverse: 'int'; onesided: 'int' };
  DepthToSpace: { blocksize: 'int'; mode: 'string' };
  DequantizeLinear: { axis: 'int' };
  Det: None;
  Div: None;
  Dropout: { seed: 'int' };
  DynamicQuantizeLinear: None;
  Einsum: { equation: 'string' };
  Elu: { alpha: 'float' };
  Equal: None;
  Erf: None;
  Exp: None;
  Expand: None;
  EyeLike: { dtype: 'int'; k: 'int' };
  Flatten: { axis: 'int' };
  Floor: None;
  GRU: RnnAttrs & { linear_before_reset: 'int' };
  Gather: { axis: 'int' };
  GatherElements: { axis: 'int' };
  GatherND: { batch_dims: 'int' };
  Gemm: { alpha: 'float'; beta: 'float'; transA: 'int'; transB: 'int' };
  GlobalAveragePool: None;
  GlobalLpPool: { p: 'int' };
  GlobalMaxPool: None;
  Greater: None;
  GreaterOrEqual: None;
  GridSample: { align_corners: 'int'; mode: 'string'; padding_mode: 'string' };
  HammingWindow: WindowAttrs;
  HannWindow: WindowAttrs;
  HardSigmoid: { alpha: 'float'; beta: 'float' };
  HardSwish: None;
  Hardmax: { axis: 'int' };
  Identity: None;
  If: { else_branch: 'graph'; then_branch: 'graph' };
  InstanceNormalization: { epsilon: 'float' };
  IsInf: { detect_negative: 'int'; detect_positive: 'int' };
  IsNaN: None;
  LRN: { alpha: 'float'; beta: 'float'; bias: 'float'; size: 'int' };
  LSTM: RnnAttrs & { input_forget: 'int' };
  LayerNormalization: { axis: 'int'; epsilon: 'float'; stash_type: 'int' };
  LeakyRelu: { alpha: 'float' };
  Less: None;
  LessOrEqual: None;
  Log: None;
  LogSoftmax: { axis: 'int' };
  Loop: { body: 'graph' };
  LpNormalization: { axis: 'int'; p: 'int' };
  LpPool: { auto_pad: 'string'; kernel_shape: 'ints'; p: 'int'; pads: 'ints'; strides: 'ints' };
  MatMul: None;
  MatMulInteger: None;
  Max: None;
  MaxPool: {
    auto_pad: 'string';
    ceil_mode: 'int';
    dilations: 'ints';
    kernel_shape: 'ints';
    pads: 'ints';
    storage_order: 'int';
    strides: 'ints';
  };
  MaxRoiPool: { pooled_shape: 'ints'; spatial_scale: 'float' };
  MaxUnpool: { kernel_shape: 'ints'; pads: 'ints'; strides: 'ints' };
  Mean: None;
  MeanVarianceNormalization: { axes: 'ints' };
  MelWeightMatrix: { output_datatype: 'int' };
  Min: None;
  Mish: None;
  Mod: { fmod: 'int' };
  Mul: None;
  Multinomial: RandomAttrs & { sample_size: 'int' };
  Neg: None;
  NegativeLogLikelihoodLoss: { ignore_index: 'int'; reduction: 'string' };
  NonMaxSuppression: { center_point_box: 'int' };
  NonZero: None;
  Not: None;
  OneHot: { axis: 'int' };
  OptionalGetElement: None;
  OptionalHasElement: None;
  Or: None;
  PRelu: None;
  Pad: { mode: 'string' };
  Pow: None;
  QLinearConv: ConvAttrs;
  QLinearMatMul: None;
  QuantizeLinear: { axis: 'int' };
  RNN: RnnAttrs;
  RandomNormal: RandomAttrs & { mean: 'float'; scale: 'float'; shape: 'ints' };
  RandomNormalLike: RandomAttrs & { mean: 'float'; scale: 'float' };
  RandomUniform: RandomAttrs & { high: 'float'; low: 'float'; shape: 'ints' };
  RandomUniformLike: RandomAttrs & { high: 'float'; low: 'float' };
  Range: None;
  Reciprocal: None;
  ReduceL1: ReduceAttrs;
  ReduceL2: ReduceAttrs;
  ReduceLogSum: ReduceAttrs;
  ReduceLogSumExp: ReduceAttrs;
  ReduceMax: ReduceAttrs;
  ReduceMean: ReduceAttrs;
  ReduceMin: ReduceAttrs;
  ReduceProd: ReduceAttrs;
  ReduceSum: { keepdims: 'int'; noop_with_empty_axes: 'int' };
  ReduceSumSquare: ReduceAttrs;
  Relu: None;
  Reshape: { allowzero: 'int' };
  Resize: {
    coordinate_transformation_mode: 'string';
    cubic_coeff_a: 'float';
    exclude_outside: 'int';
    extrapolation_value: 'float';
    mode: 'string';
    nearest_mode: 'string';
  };
  ReverseSequence: { batch_axis: 'int'; time_axis: 'int' };
  RoiAlign: {
    coordinate_transformation_mode: 'string';
    mode: 'string';
    output_height: 'int';
    output_width: 'int';
    sampling_ratio: 'int';
    spatial_scale: 'float';
  };
  Round: None;
  STFT: { onesided: 'int' };
  Scan: {
    body: 'graph';
    num_scan_inputs: 'int';
    scan_input_axes: 'ints';
    scan_input_directions: 'ints';
    scan_output_axes: 'ints';
    scan_output_directions: 'ints';
  };
  ScatterElements: { axis: 'int'; reduction: 'string' };
  ScatterND: { reduction: 'string' };
  Selu: { alpha: 'float'; gamma: 'float' };
  SequenceAt: None;
  SequenceConstruct: None;
  SequenceEmpty: { dtype: 'int' };
  SequenceErase: None;
  SequenceInsert: None;
  SequenceLength: None;
  SequenceMap: { body: 'graph' };
  Shape: { end: 'int'; start: 'int' };
  Shrink: { bias: 'float'; lambd: 'float' };
  Sigmoid: None;
  Sign: None;
  Sin: None;
  Sinh: None;
  Size: None;
  Slice: None;
  Softmax: { axis: 'int' };
  SoftmaxCrossEntropyLoss: { ignore_index: 'int'; reduction: 'string' };
  Softplus: None;
  Softsign: None;
  SpaceToDepth: { blocksize: 'int' };
  Split: { axis: 'int' };
  SplitToSequence: { axis: 'int'; keepdims: 'int' };
  Sqrt: None;
  Squeeze: None;
  StringNormalizer: {
    case_change_action: 'string';
    is_case_sensitive: 'int';
    locale: 'string';
    stopwords: 'strings';
  };
  Sub: None;
  Sum: None;
  Tan: None;
  Tanh: None;
  TfIdfVectorizer: {
    max_gram_length: 'int';
    max_skip_count: 'int';
    min_gram_length: 'int';
    mode: 'string';
    ngram_counts: 'ints';
    ngram_indexes: 'ints';
    pool_int64s: 'ints';
    pool_strings: 'strings';
    weights: 'floats';
  };
  ThresholdedRelu: { alpha: 'float' };
  Tile: None;
  TopK: { axis: 'int'; largest: 'int'; sorted: 'int' };
  Transpose: { perm: 'ints' };
  Trilu: { upper: 'int' };
  Unique: { axis: 'int'; sorted: 'int' };
  Unsqueeze: None;
  Where: None;
  Xor: None;
}

/** An operator type of the default ONNX domain that `OnnxGraph.op` accepts. */
export type OpType = keyof OnnxOpAttrs;

/**
 * The attributes `OnnxGraph.op` accepts for `K`: each optional, of its declared kind. An op without
 * attributes takes only `{}`, so stray attributes cannot slip through an empty object type.
 */
export type AttrsOf<K extends OpType> = K extends OpType
  ? [keyof OnnxOpAttrs[K]] extends [never]
    ? Record<string, never>
    : { [A in keyof OnnxOpAttrs[K]]?: AttrOf<Extract<OnnxOpAttrs[K][A], AttrKind>> }
  : never;
