import {
  blockNameOf,
  type Analysis, type AnyNodeDef, type DType, type GraphDoc, type Shape, type GraphNode, type InstanceInfo, type NodeInfo, type NodeRegistry, type Problem,
} from '@modalflow/core';
import { INPUTS_ID, OUTPUTS_ID } from './blockView.ts';

/** The instance whose analysis an open block shows: the first one the analysis expanded. */
export function instanceShown(analysis: Analysis, scope: string): string | undefined {
  for (const inst of analysis.instances.values()) if (inst.block === scope) return inst.id;
  return undefined;
}

function blank(n: GraphNode, index: number, def: AnyNodeDef): NodeInfo {
  return {
    id: n.id, index, def, params: n.params, inputs: def.inputs, outputs: def.outputs, portsKnown: true,
    inputShapes: {}, inputDtypes: {}, outputShapes: {}, outputDtypes: {}, dims: {}, weights: {}, weightPrefix: '',
    paramCount: 0, flops: 0, ok: true,
  };
}

/** Shape and dtype arriving at each block input: what the inner ports it feeds received. */
type Put = (port: string, shape: Shape, dtype: DType) => void;

function inputValues(analysis: Analysis, inst: InstanceInfo, put: Put) {
  for (const [port, targets] of Object.entries(inst.inputs)) {
    const [node, p] = targets[0] ?? [];
    const t = node !== undefined ? analysis.nodes.get(node) : undefined;
    const shape = t?.inputShapes[p!];
    const dtype = t?.inputDtypes[p!];
    if (shape && dtype) put(port, shape, dtype);
  }
}

/** Shape and dtype leaving each block output: what the inner port behind it gives. */
function outputValues(analysis: Analysis, inst: InstanceInfo, put: Put) {
  for (const [port, [node, p]] of Object.entries(inst.outputs)) {
    const src = analysis.nodes.get(node);
    const shape = src?.ok ? src.outputShapes[p] : undefined;
    const dtype = src?.outputDtypes[p];
    if (shape && dtype) put(port, shape, dtype);
  }
}

/** An instance as one node: its ports' values, and its inner nodes' costs and weights (shared ones once). */
function instanceInfo(analysis: Analysis, inst: InstanceInfo, info: NodeInfo): NodeInfo {
  inputValues(analysis, inst, (port, shape, dtype) => ((info.inputShapes[port] = shape), (info.inputDtypes[port] = dtype)));
  outputValues(analysis, inst, (port, shape, dtype) => ((info.outputShapes[port] = shape), (info.outputDtypes[port] = dtype)));
  const seen = new Set<string>();
  for (const id of inst.nodes) {
    const x = analysis.nodes.get(id);
    if (!x) continue;
    info.ok &&= x.ok;
    info.flops += x.flops;
    for (const [w, spec] of Object.entries(x.weights)) {
      const full = `${x.weightPrefix}.${w}`;
      if (!seen.has(full) && !spec.buffer) info.paramCount += spec.shape.reduce((a, d) => a * d, 1);
      seen.add(full);
      // Listed under their full names, as a checkpoint holds them.
      info.weights[full] = spec;
    }
  }
  return info;
}

/**
 * What each node of a view shows from the analysis of the whole (flat) document: inner nodes
 * of an open block show the first instance's shapes, instances show their ports' values and
 * the sums of their inner nodes' costs, the boundary of an open block shows what enters and
 * leaves the instance, and problems move to the node the view draws.
 */
export function viewAnalysis(analysis: Analysis, view: GraphDoc, scope: string | null, types: NodeRegistry): Analysis {
  const instance = scope ? instanceShown(analysis, scope) : undefined;
  const nodes = new Map<string, NodeInfo>();
  // An open block without instances has nothing analysed: its nodes show their declared ports.
  const prefix = scope ? (instance ? `${instance}.` : null) : '';
  if (prefix !== null) {
    view.nodes.forEach((n, index) => {
      const flat = analysis.nodes.get(prefix + n.id);
      // The same object where nothing differs, so a re-analysis can recognise what it may keep.
      if (flat) return nodes.set(n.id, flat.id === n.id && flat.index === index ? flat : { ...flat, id: n.id, index });
      const def = types.get(n.type);
      if (!def) return;
      if (blockNameOf(n.type) !== undefined) {
        const inst = analysis.instances.get(prefix + n.id);
        if (inst) nodes.set(n.id, instanceInfo(analysis, inst, blank(n, index, def)));
        return;
      }
      const shown = instance ? analysis.instances.get(instance) : undefined;
      if (!shown) return;
      const info = blank(n, index, def);
      if (n.id === INPUTS_ID) inputValues(analysis, shown, (port, shape, dtype) => ((info.outputShapes[port] = shape), (info.outputDtypes[port] = dtype)));
      else if (n.id === OUTPUTS_ID) outputValues(analysis, shown, (port, shape, dtype) => ((info.inputShapes[port] = shape), (info.inputDtypes[port] = dtype)));
      else return;
      nodes.set(n.id, info);
    });
  }
  return { ...analysis, nodes, problems: viewProblems(analysis.problems, scope, instance) };
}

function viewProblems(problems: readonly Problem[], scope: string | null, instance: string | undefined): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    const { node } = p.at;
    if (scope === null) {
      if (p.at.block === undefined) out.push(p);
      // A problem inside an instance marks the instance; one in a definition shows when it is open.
      else if (node?.includes('.')) out.push({ ...p, at: { ...p.at, node: node.slice(0, node.indexOf('.')), port: undefined, edge: undefined } });
      continue;
    }
    if (p.at.block !== scope) continue;
    const own = node !== undefined && instance !== undefined && node.startsWith(`${instance}.`);
    // The same problem in the other instances is shown once, through the first.
    if (node?.includes('.') && !own) continue;
    const inner = own ? node!.slice(instance!.length + 1) : node;
    out.push({ ...p, at: { ...p.at, node: inner?.split('.')[0], edge: undefined } });
  }
  return out;
}
