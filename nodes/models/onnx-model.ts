import { asset, defineNode, string, type AssetLookup, type Location } from '@modalflow/core';
import type { ModelInfo } from '@modalflow/onnx';
import { modelError, readModelAsset } from './model-file.ts';
import { DimsError, modelPorts, type ModelPorts } from './model-ports.ts';

interface Ctx {
  node: string;
  params: { model: string; dims: string };
  asset: AssetLookup;
}

function loadInfo({ node, params, asset: lookup }: Ctx): ModelInfo {
  const at: Location = { node, param: 'model' };
  if (!params.model) {
    throw modelError('MF_MODEL_NOT_SET', 'no model chosen: set param "model" to the name of an .onnx asset of the document', at);
  }
  const loaded = lookup(params.model);
  if (!loaded) {
    throw modelError('MF_ASSET_NOT_LOADED', `asset "${params.model}" is not loaded, so the model's inputs and outputs are not known yet`, at);
  }
  return readModelAsset(loaded, at);
}

function ports(ctx: Ctx): ModelPorts {
  const info = loadInfo(ctx);
  try {
    return modelPorts(info, ctx.node, ctx.params.dims);
  } catch (e) {
    if (e instanceof DimsError) throw modelError('MF_MODEL_DIMS', `param "dims": ${e.message}`, { node: ctx.node, param: 'dims' });
    throw e;
  }
}

/**
 * An ONNX file run as it is, as one stage of the graph. Its ports are read from the file: one
 * per graph input (initialiser-backed inputs excluded) and output, with dtypes and shapes.
 */
export default defineNode({
  type: 'model.onnx',
  version: 1,
  category: 'models',
  title: 'ONNX model',
  doc:
    'Runs a model exported to ONNX (from PyTorch, Hugging Face Optimum, transformers.js, ...) as one block of the graph. ' +
    'Add the .onnx file to the document\'s assets and pick it in `model`; the node then shows one input per model input and one output per model output, ' +
    'with their element types and shapes. Sizes the model leaves open by name (such as `batch_size` or `sequence_length`) are linked to the graph\'s ' +
    'sizes with `dims`, e.g. `batch_size=B, sequence_length=T`; names containing "batch" become `B` unless you say otherwise, and an unnamed size can be set as ' +
    '`input_ids[1]=T`. Any other open size stays private to this node. Port names are the model\'s names, with characters other than letters, digits and _ turned into _.',
  source: 'ONNX IR (onnx.proto3): ModelProto.graph.input / output value_info',
  inputs: {},
  outputs: {},
  params: {
    model: asset({ default: '', accept: ['.onnx'], description: 'The .onnx file to run (an entry of the document\'s assets)' }),
    dims: string({
      default: '',
      multiline: true,
      description: 'How the model\'s open sizes map to graph sizes: name=SYMBOL or name=size, comma-separated (e.g. batch_size=B, sequence_length=T, input[1]=T)',
    }),
  },
  ports: (ctx) => {
    const p = ports(ctx);
    return { inputs: p.inputs, outputs: p.outputs };
  },
  model: (ctx) => {
    const p = ports(ctx);
    return { asset: ctx.params.model, inputs: p.onnx.inputs, outputs: p.onnx.outputs, ...(p.float16.length ? { float16: p.float16 } : {}) };
  },
});
