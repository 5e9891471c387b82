import { ModalflowError, type DType, type Shape } from '@modalflow/core';
import type { CompiledPlan } from '@modalflow/compiler';
import { producers, splitHostSteps } from '../host-split.ts';
import { EnumValue, parsePbtxt, writePbtxt, type PbMessage } from './pbtxt.ts';

const TRITON_TYPES: Record<DType, string> = {
  float32: 'TYPE_FP32',
  float64: 'TYPE_FP64',
  float16: 'TYPE_FP16',
  int64: 'TYPE_INT64',
  int32: 'TYPE_INT32',
  int8: 'TYPE_INT8',
  uint8: 'TYPE_UINT8',
  bool: 'TYPE_BOOL',
  string: 'TYPE_STRING',
};

export interface TritonExportOptions {
  /** The ensemble's name: what clients put in /v2/models/{name}. */
  name: string;
  /** Largest batch Triton's dynamic batcher forms for a stage whose tensors all lead with the batch axis. */
  maxBatchSize?: number;
  maxQueueDelayMicroseconds?: number;
}

export interface TritonExport {
  /** Files of the model repository by path inside it. */
  files: Record<string, Uint8Array | string>;
  /** Host steps left to the client, and the tensors it must then send or compute itself. */
  clientSide: { before: { stage: string; step: string; nodes: string[]; sends: string[] }[]; after: { stage: string; step: string; nodes: string[]; receives: string[] }[] };
}

/** Model names Triton accepts as directory names. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

/** The symbol every tensor of a stage leads with, when there is one: then Triton may batch it. */
function leadingSymbol(shapes: Shape[]): string | undefined {
  const first = shapes[0]?.[0];
  return typeof first === 'string' && shapes.every((s) => s[0] === first) ? first : undefined;
}

const dims = (shape: Shape, batched: boolean) => (batched ? shape.slice(1) : shape).map((d) => (typeof d === 'number' ? d : -1));

/**
 * Writes a Triton model repository for a compiled plan: one onnxruntime model per ONNX stage
 * and an ensemble wiring them with the plan's tensor names. Host steps (tokenisers, image
 * preprocessing, label lookup) have no Triton equivalent here: those at the start become the
 * ensemble's inputs (the client sends their results), those at the end become the client's
 * work on the ensemble's outputs, and the README says which. Every config.pbtxt is parsed
 * back against Triton's model_config.proto before it is returned.
 */
export function exportTriton(compiled: CompiledPlan, options: TritonExportOptions): TritonExport {
  const { plan } = compiled;
  const name = safe(options.name);
  const maxBatch = options.maxBatchSize ?? 8;
  const files: Record<string, Uint8Array | string> = {};
  const info = (tensor: string) => {
    const t = plan.tensors[tensor];
    if (!t) throw new ModalflowError('MF_EXPORT_TENSOR', `the plan has no shape for tensor "${tensor}"`, {});
    return t;
  };

  const { onnx, before, after } = splitHostSteps(plan, 'a Triton ensemble');
  const producedBy = producers(plan);

  // Ensemble tensor names: the plan's input and output names where they are those, else the plan's tensor ids.
  const ensembleName = new Map<string, string>();
  for (const i of plan.inputs) ensembleName.set(i.tensor, i.name);
  for (const o of plan.outputs) if (!ensembleName.has(o.tensor)) ensembleName.set(o.tensor, o.name);
  const nameOf = (tensor: string) => ensembleName.get(tensor) ?? tensor;

  const consumed = new Set(onnx.flatMap((s) => s.inputs.map((b) => b.tensor)));
  const fromHostBefore = new Set(before.flatMap((h) => h.outputs.map((b) => b.tensor)));
  const ensembleInputs = [...new Set(onnx.flatMap((s) => s.inputs.map((b) => b.tensor)).filter((t) => !onnx.some((s) => s.outputs.some((b) => b.tensor === t))))];
  const finalOutputs = plan.outputs.filter((o) => producedBy.get(o.tensor)?.kind === 'onnx').map((o) => o.tensor);
  const toHostAfter = [...new Set(after.flatMap((h) => h.inputs.map((b) => b.tensor)).filter((t) => producedBy.get(t)?.kind === 'onnx'))];
  const ensembleOutputs = [...new Set([...finalOutputs, ...toHostAfter])];

  const steps: PbMessage[] = [];
  const stageBatched = new Map<string, boolean>();
  for (const s of onnx) {
    const bytes = compiled.models[s.model];
    if (!bytes) throw new ModalflowError('MF_EXPORT_MODEL', `stage ${s.id} has no model bytes`, { node: s.nodes[0]! });
    const outputs = s.outputs.filter((b) => consumed.has(b.tensor) || ensembleOutputs.includes(b.tensor));
    const shapes = [...s.inputs, ...outputs].map((b) => info(b.tensor).shape);
    const batched = maxBatch > 0 && leadingSymbol(shapes) !== undefined;
    stageBatched.set(s.id, batched);
    const modelName = `${name}__${safe(s.id)}`;
    const config: PbMessage = {
      name: modelName,
      backend: 'onnxruntime',
      max_batch_size: batched ? maxBatch : 0,
      input: s.inputs.map((b) => ({ name: b.name, data_type: new EnumValue(TRITON_TYPES[info(b.tensor).dtype]), dims: dims(info(b.tensor).shape, batched) })),
      output: outputs.map((b) => ({ name: b.name, data_type: new EnumValue(TRITON_TYPES[info(b.tensor).dtype]), dims: dims(info(b.tensor).shape, batched) })),
      ...(batched ? { dynamic_batching: { max_queue_delay_microseconds: options.maxQueueDelayMicroseconds ?? 100 } } : {}),
      instance_group: [{ kind: new EnumValue('KIND_AUTO'), count: 1 }],
    };
    files[`${modelName}/config.pbtxt`] = writePbtxt(config);
    files[`${modelName}/1/model.onnx`] = bytes;
    steps.push({
      model_name: modelName,
      model_version: -1,
      input_map: s.inputs.map((b) => ({ key: b.name, value: nameOf(b.tensor) })),
      output_map: outputs.map((b) => ({ key: b.name, value: nameOf(b.tensor) })),
    });
  }

  // The ensemble batches only when every stage does.
  const allBatched = onnx.every((s) => stageBatched.get(s.id));
  const ensemble: PbMessage = {
    name,
    platform: 'ensemble',
    max_batch_size: allBatched ? maxBatch : 0,
    input: ensembleInputs.map((t) => ({ name: nameOf(t), data_type: new EnumValue(TRITON_TYPES[info(t).dtype]), dims: dims(info(t).shape, allBatched) })),
    output: ensembleOutputs.map((t) => ({ name: nameOf(t), data_type: new EnumValue(TRITON_TYPES[info(t).dtype]), dims: dims(info(t).shape, allBatched) })),
    ensemble_scheduling: { step: steps },
  };
  files[`${name}/config.pbtxt`] = writePbtxt(ensemble);
  // Triton wants a version folder even for an ensemble, which has no file of its own.
  files[`${name}/1/.keep`] = '';

  for (const [path, text] of Object.entries(files)) {
    if (!path.endsWith('config.pbtxt')) continue;
    try {
      parsePbtxt(text as string);
    } catch (e) {
      throw new ModalflowError('MF_EXPORT_CONFIG', `${path} does not parse against Triton's model_config.proto: ${(e as Error).message}`, { file: path });
    }
  }

  const clientSide = {
    before: before.map((h) => ({ stage: h.id, step: h.step, nodes: h.nodes, sends: h.outputs.map((b) => b.tensor).filter((t) => fromHostBefore.has(t) && ensembleInputs.includes(t)).map(nameOf) })),
    after: after.map((h) => ({ stage: h.id, step: h.step, nodes: h.nodes, receives: h.inputs.map((b) => b.tensor).filter((t) => toHostAfter.includes(t)).map(nameOf) })),
  };
  files['README.md'] = readme(name, plan.title, ensembleInputs.map((t) => ({ name: nameOf(t), ...info(t) })), ensembleOutputs.map((t) => ({ name: nameOf(t), ...info(t) })), clientSide, allBatched ? maxBatch : 0);
  return { files, clientSide };
}

function readme(
  name: string,
  title: string,
  inputs: { name: string; dtype: DType; shape: Shape }[],
  outputs: { name: string; dtype: DType; shape: Shape }[],
  client: TritonExport['clientSide'],
  maxBatch: number,
): string {
  const row = (t: { name: string; dtype: DType; shape: Shape }) => `| \`${t.name}\` | ${TRITON_TYPES[t.dtype].replace('TYPE_', '')} | [${t.shape.join(', ')}] |`;
  const lines = [
    `# Triton model repository for "${title}"`,
    '',
    `Written by \`modalflow export triton\`. Serve it with \`tritonserver --model-repository=<this folder>\` and call the`,
    `ensemble \`${name}\` over the v2 protocol (\`POST /v2/models/${name}/infer\`), as \`modalflow serve\` is called.`,
    `Each ONNX stage is its own model (\`${name}__<stage>/1/model.onnx\`, onnxruntime backend)${maxBatch ? `, with dynamic batching up to ${maxBatch}` : ''}.`,
    '',
    '## Inputs',
    '',
    '| tensor | datatype | shape |',
    '|---|---|---|',
    ...inputs.map(row),
    '',
    '## Outputs',
    '',
    '| tensor | datatype | shape |',
    '|---|---|---|',
    ...outputs.map(row),
    '',
  ];
  if (client.before.length || client.after.length) {
    lines.push('## Steps left to the client', '', 'These host steps of the graph have no Triton model here; the client runs them (for example with `modalflow run --tap`, or the same tokenizer and preprocessor files in its own code):', '');
    for (const h of client.before) lines.push(`- \`${h.step}\` (node ${h.nodes.map((n) => `\`${n}\``).join(', ')}): its results must be sent pre-computed as ${h.sends.map((s) => `\`${s}\``).join(', ')} (inputs must be pre-tokenised / preprocessed).`);
    for (const h of client.after) lines.push(`- \`${h.step}\` (node ${h.nodes.map((n) => `\`${n}\``).join(', ')}): runs on the ensemble's ${h.receives.map((s) => `\`${s}\``).join(', ')}; its outputs are not part of the ensemble.`);
    lines.push('');
  } else {
    lines.push('Every step of the graph is in the ensemble: its inputs and outputs are the graph\'s own, with the names, datatypes and shapes `modalflow serve` reports.', '');
  }
  return lines.join('\n');
}
