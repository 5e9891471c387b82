import { ModalflowError, type Tensor } from '@modalflow/core';
import type { CompiledPlan, OnnxStage } from '@modalflow/compiler';
import { readModel, type Attr, type OnnxGraph } from '@modalflow/onnx';
import { producers, splitHostSteps } from '../host-split.ts';
import { HELPERS, OPS, withConstants } from './ops.ts';

export interface PytorchExport {
  /** The module's Python source. */
  source: string;
  /** Forward's arguments: Python name and the tensor it is (a graph input, or a host step's result). */
  inputs: { arg: string; tensor: string }[];
  outputs: string[];
  weights: string[];
  /** A graph with a decoding loop: its step model's input and output names (step() takes and returns them). */
  step?: { inputs: string[]; outputs: string[] };
}

const PY_DTYPE: Record<string, string> = {
  float32: 'float32', float64: 'float64', float16: 'float16', int64: 'int64', int32: 'int32', int8: 'int8', uint8: 'uint8', bool: 'bool',
};

const pyIdent = (s: string) => {
  const id = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id;
};

function tensorLiteral(t: Tensor): string {
  if (t.dtype === 'string') throw new Error('string constants have no PyTorch tensor');
  const data = t.data as Exclude<Tensor['data'], string[]>;
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return `_const("${b64}", "${PY_DTYPE[t.dtype]}", [${t.dims.join(', ')}])`;
}

/**
 * A plain torch.nn.Module computing what the graph's ONNX stages compute, operator by
 * operator, with the graph's weights as parameters under the graph's own names
 * (`<node>.<weight>`, PyTorch's state_dict layout), so `load_state_dict` takes the file
 * `modalflow weights export` writes and a trained state_dict saved as .safetensors goes back
 * to `modalflow run --weights`. Host steps before the model (tokenisers, preprocessing) are
 * the caller's: their results are forward's arguments, as in the Triton export. A decoding loop
 * stays with ModalFlow: forward() returns what the loop reads (encoder states, prompt) and step()
 * is the loop's step model, so the decoder trains (teacher-forced) with the rest.
 */
export function exportPytorch(compiled: CompiledPlan, options: { className?: string } = {}): PytorchExport {
  const { plan } = compiled;
  const { onnx, loop } = splitHostSteps(plan, 'a PyTorch module', { loop: true });
  const producedBy = producers(plan);
  const outputs = plan.outputs.filter((o) => producedBy.get(o.tensor)?.kind === 'onnx');
  // A decoding loop's inputs (encoder states, prompt) are returned, for step() to take.
  const loopInputs = loop?.inputs ?? [];

  // Only stages something returned depends on: a loss stage would need its labels for nothing.
  const needed = new Set<OnnxStage>();
  const want = [...outputs.map((o) => o.tensor), ...loopInputs.map((b) => b.tensor)];
  while (want.length) {
    const s = producedBy.get(want.pop()!);
    if (!s || s.kind !== 'onnx' || needed.has(s)) continue;
    needed.add(s);
    want.push(...s.inputs.map((b) => b.tensor));
  }
  const stages = onnx.filter((s) => needed.has(s));
  const fromOnnx = new Set(stages.flatMap((s) => s.outputs.map((b) => b.tensor)));
  const read = [...stages.flatMap((s) => s.inputs.map((b) => b.tensor)), ...loopInputs.map((b) => b.tensor)];
  const inputTensors = [...new Set(read.filter((t) => !fromOnnx.has(t)))];
  const inputName = (t: string) => plan.inputs.find((i) => i.tensor === t)?.name ?? t;
  const args = inputTensors.map((t) => ({ arg: pyIdent(inputName(t)), tensor: inputName(t) }));

  const weights = new Map<string, Tensor>();
  const constants: string[] = [];
  const constByKey = new Map<string, string>();
  const addConst = (t: Tensor) => {
    const lit = tensorLiteral(t);
    let name = constByKey.get(lit);
    if (!name) {
      name = `c${constants.length}`;
      constants.push(`        self.register_buffer("${name}", ${lit}, persistent=False)`);
      constByKey.set(lit, name);
    }
    return name;
  };

  let counter = 0;
  /** One ONNX model's nodes as Python lines; `local` maps its input names to Python values and gets its outputs. */
  const translate = (graph: OnnxGraph, stageId: string, node0: string, local: Map<string, string>, body: string[]) => {
    for (const [name, t] of graph.initializers) {
      // Weights are named <node>.<weight>; the compiler's own constants carry a "/".
      if (!name.includes('/') && (t.dtype === 'float32' || t.dtype === 'float16' || t.dtype === 'float64')) {
        weights.set(name, t);
        local.set(name, `self.get_parameter("${name}")`);
      } else local.set(name, `self.${addConst(t)}`);
    }
    for (const node of graph.nodes) {
      const emit = OPS[node.opType];
      if (!emit || (node.domain && node.domain !== 'ai.onnx')) {
        throw new ModalflowError('MF_EXPORT_OP', `ONNX operator ${node.domain ? `${node.domain}.` : ''}${node.opType} (in stage ${stageId}) has no PyTorch translation yet`, { node: node0 });
      }
      const a = node.inputs.map((n) => {
        if (n === '') return '';
        const v = local.get(n);
        if (!v) throw new ModalflowError('MF_EXPORT_OP', `stage ${stageId}: value "${n}" is read before it is made`, { node: node0 });
        return v;
      });
      let expr: string;
      try {
        expr = withConstants((at: Attr) => addConst(at.value as Tensor), () => emit(a, (k) => node.attrs[k], node));
      } catch (e) {
        throw new ModalflowError('MF_EXPORT_OP', `ONNX operator ${node.opType} (in stage ${stageId}): ${(e as Error).message}`, { node: node0 });
      }
      const outs = node.outputs.map((o) => {
        const v = `v${counter++}`;
        if (o !== '') local.set(o, v);
        return v;
      });
      body.push(`        ${outs.length === 1 ? outs[0] : outs.join(', ')} = ${expr}  # ${node.opType}`);
    }
  };

  const body: string[] = [];
  const env = new Map<string, string>(inputTensors.map((t, k) => [t, args[k]!.arg]));
  for (const s of stages) {
    const bytes = compiled.models[s.model]!;
    const { graph } = readModel(bytes, { file: s.model }) as { graph: OnnxGraph };
    body.push(`        # stage ${s.id}: ${s.nodes.join(', ')}`);
    const local = new Map<string, string>();
    for (const b of s.inputs) local.set(b.name, env.get(b.tensor)!);
    translate(graph, s.id, s.nodes[0]!, local, body);
    for (const b of s.outputs) {
      const v = local.get(b.name);
      if (v) env.set(b.tensor, v);
    }
  }

  // The loop's step model: one decoder step over new tokens and the cache, as the engine runs it.
  let step = '';
  let stepInputs: string[] = [];
  let stepOutputs: string[] = [];
  if (loop) {
    const { graph } = readModel(compiled.models[loop.model]!, { file: loop.model }) as { graph: OnnxGraph };
    const local = new Map<string, string>();
    stepInputs = graph.inputs.map((i) => i.name);
    stepOutputs = graph.outputs.map((o) => o.name);
    const stepArgs = stepInputs.map((n) => pyIdent(n));
    stepInputs.forEach((n, k) => local.set(n, stepArgs[k]!));
    const lines: string[] = [];
    translate(graph, loop.id, loop.nodes[0]!, local, lines);
    const settings = { ...loop.settings };
    delete settings['vocabulary'];
    // Cross-attention keys and values come from their own model, run once per sequence.
    let cross = '';
    if (loop.cross) {
      const c = readModel(compiled.models[loop.cross.model]!, { file: loop.cross.model }) as { graph: OnnxGraph };
      const crossLocal = new Map<string, string>([['encoder_hidden_states', 'encoder_hidden_states']]);
      const crossLines: string[] = [];
      translate(c.graph, loop.id, loop.nodes[0]!, crossLocal, crossLines);
      cross = `
    # cross() gives every layer's cross-attention keys and values from the encoder states, which
    # step() takes as inputs of the same names: the loop computes them once per sequence.
    CROSS_OUTPUTS = ${JSON.stringify(loop.cross.outputs)}

    def cross(self, encoder_hidden_states):
${crossLines.join('\n')}
        return {
${loop.cross.outputs.map((o) => `            ${JSON.stringify(o)}: ${crossLocal.get(o)},`).join('\n')}
        }
`;
    }
    step = `${cross}
    # The decoding loop of node "${loop.nodes[0]}" stays with ModalFlow (${JSON.stringify(settings)});
    # step() is its model: logits for the new tokens and each layer's cache, given the cache so far
    # (empty: [batch, heads, 0, head_dim]). Over a whole sequence with an empty cache it gives the
    # teacher-forced logits a training loss reads.
    STEP_INPUTS = ${JSON.stringify(stepInputs)}
    STEP_OUTPUTS = ${JSON.stringify(stepOutputs)}
    CACHE = ${JSON.stringify(loop.cache.map((c) => ({ past: c.past, present: c.present, heads: c.heads, head_dim: c.headDim })))}

    def step(self, ${stepArgs.join(', ')}):
${lines.join('\n')}
        return {
${stepOutputs.map((o) => `            ${JSON.stringify(o)}: ${local.get(o)},`).join('\n')}
        }
`;
  }

  // Parameters live in nested modules, so state_dict keys are exactly the graph's weight names.
  const tree: string[] = [];
  const modules = new Set<string>();
  for (const [name, t] of [...weights].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = name.split('.');
    for (let k = 1; k < parts.length; k++) {
      const path = parts.slice(0, k).join('.');
      if (modules.has(path)) continue;
      modules.add(path);
      if (weights.has(path)) throw new ModalflowError('MF_EXPORT_NAME', `weight "${path}" is also the prefix of weight "${name}"; PyTorch cannot hold both`, {});
      tree.push(`        _module(self, "${path}")`);
    }
    tree.push(`        _module(self, "${parts.slice(0, -1).join('.')}").register_parameter("${parts.at(-1)}", nn.Parameter(torch.zeros([${t.dims.join(', ')}], dtype=torch.${PY_DTYPE[t.dtype]})))`);
  }

  const className = options.className ?? 'Model';
  const ret = [...outputs.map((o) => [o.name, o.tensor] as const), ...loopInputs.map((b) => [b.name, b.tensor] as const)].map(
    ([name, tensor]) => `            ${JSON.stringify(name)}: ${env.get(tensor)},`,
  );
  const source = `"""${plan.title || 'ModalFlow graph'}: a torch.nn.Module written by \`modalflow export pytorch\`.

Parameters carry the graph's weight names, so \`model.load_state_dict(load_safetensors(path))\`
takes the file \`modalflow weights export\` writes, and \`save_safetensors(model.state_dict(),
path)\` writes one \`modalflow run --weights\` reads. forward() returns a dict of the graph's outputs.
Inputs: ${args.map((a) => `${a.arg} (${a.tensor})`).join(', ')}.${
    args.some((a) => a.tensor.includes('.#'))
      ? `
Inputs named <node>.#<name> are host-computed feeds (preprocess.image: Pillow's resampling matrices), which
depend only on input shapes: \`modalflow export pytorch --feeds-for <input>=<dims>\` writes them
to <out>.feeds.safetensors (load_safetensors reads it); they are not trained.`
      : ''
  }${loop ? `\nstep() is the decoding loop's step model; the loop itself stays with ModalFlow.` : ''}
"""
import base64
import json
import math
import struct

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def _const(b64, dtype, shape):
    return torch.from_numpy(np.frombuffer(base64.b64decode(b64), dtype=dtype).copy().reshape(shape))


def _module(root, path):
    m = root
    for part in [p for p in path.split(".") if p]:
        if part not in m._modules:
            m.add_module(part, nn.Module())
        m = m._modules[part]
    return m


_ST = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def load_safetensors(path):
    """Reads a .safetensors file into a dict of tensors (no extra package needed)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        data = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=_ST[info["dtype"]]).copy()
        out[name] = torch.from_numpy(data.reshape(info["shape"]))
    return out


def save_safetensors(tensors, path):
    """Writes a dict of tensors as .safetensors, as \`modalflow run --weights\` reads it."""
    names = {v: k for k, v in _ST.items()}
    header, blobs, at = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        b = a.tobytes()
        header[name] = {"dtype": names[a.dtype.type], "shape": list(a.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

${HELPERS}

class ${className}(nn.Module):
    INPUTS = ${JSON.stringify(args.map((a) => a.tensor))}
    OUTPUTS = ${JSON.stringify([...outputs.map((o) => o.name), ...loopInputs.map((b) => b.name)])}

    def __init__(self):
        super().__init__()
${[...tree, ...constants].join('\n') || '        pass'}

    @classmethod
    def from_safetensors(cls, path):
        model = cls()
        model.load_state_dict(load_safetensors(path))
        return model

    def forward(self, ${args.map((a) => a.arg).join(', ')}):
${body.join('\n')}
        return {
${ret.join('\n')}
        }
${step}`;
  return {
    source,
    inputs: args,
    outputs: [...outputs.map((o) => o.name), ...loopInputs.map((b) => b.name)],
    weights: [...weights.keys()],
    ...(loop ? { step: { inputs: stepInputs, outputs: stepOutputs } } : {}),
  };
}
