import type { Problem } from './errors.ts';
import type { NodeRegistry } from './registry.ts';
import { checkParam } from './params.ts';
import { blockNameOf } from './block-schema.ts';
import type { BlockEntry, BlockSet } from './block-set.ts';
import { exposedParamSpec, innerPorts } from './block-def.ts';
import { parseParamExpr } from './block-expr.ts';

/**
 * Checks each block definition once, where it is written, before any instance is expanded:
 * references to inner nodes and ports, inner inputs left unconnected, and param expressions
 * (parsed, their names exposed, their value at the defaults accepted by the inner param).
 * Returns the names of blocks too broken to expand.
 */
export function checkBlocks(blocks: BlockSet, registry: NodeRegistry, file?: string): { problems: Problem[]; broken: Set<string> } {
  const problems: Problem[] = [];
  const broken = new Set<string>();
  for (const entry of blocks.list()) {
    const found = checkBlock(entry, registry, blocks, file);
    if (found.length) broken.add(entry.name);
    problems.push(...found);
  }
  for (const cycle of blockCycles(blocks)) {
    const [first, second] = cycle;
    const entry = blocks.get(first!)!;
    const i = entry.block.nodes.findIndex((n) => blockNameOf(n.type) === second);
    problems.push({
      code: 'MF_BLOCK_CYCLE',
      message: `block "${first}" contains itself: ${cycle.join(' → ')}`,
      at: { file: entry.library ?? file, block: first, node: entry.block.nodes[i]!.id, path: `${entry.path}/nodes/${i}/type` },
    });
    for (const b of cycle) broken.add(b);
  }
  return { problems, broken };
}

/** Each loop of blocks using one another, once, as `a → b → a`; found by depth-first search. */
function blockCycles(blocks: BlockSet): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, stack: string[]) => {
    state.set(name, 'open');
    for (const n of blocks.get(name)!.block.nodes) {
      const used = blockNameOf(n.type);
      if (used === undefined || !blocks.has(used)) continue;
      if (state.get(used) === 'open') cycles.push([...stack.slice(stack.indexOf(used)), name, used]);
      else if (!state.has(used)) visit(used, [...stack, name]);
    }
    state.set(name, 'done');
  };
  for (const e of blocks.list()) if (!state.has(e.name)) visit(e.name, []);
  return cycles;
}

function checkBlock(entry: BlockEntry, registry: NodeRegistry, blocks: BlockSet, file?: string): Problem[] {
  const { block, name } = entry;
  const problems: Problem[] = [];
  const report = (code: string, message: string, at: Omit<Problem['at'], 'file' | 'block'>) =>
    problems.push({ code, message: `in block "${name}": ${message}`, at: { file: entry.library ?? file, block: name, ...at } });

  const defaults: Record<string, unknown> = Object.create(null);
  for (const [p, spec] of Object.entries(block.params)) {
    const bad = checkParam(exposedParamSpec(spec), spec.default);
    if (bad) report(bad.code, `exposed param "${p}" default ${bad.message}`, { param: p, path: `${entry.path}/params/${p}/default` });
    defaults[p] = spec.default;
  }

  const index = new Map<string, number>();
  block.nodes.forEach((n, i) => {
    const path = `${entry.path}/nodes/${i}`;
    if (index.has(n.id)) report('MF_DUPLICATE_NODE_ID', `node id "${n.id}" is used more than once`, { node: n.id, path: `${path}/id` });
    index.set(n.id, i);
    const nested = blockNameOf(n.type);
    const def = nested === undefined ? registry.get(n.type) : undefined;
    if (nested === undefined && !def) {
      report('MF_UNKNOWN_NODE_TYPE', `unknown node type "${n.type}"`, { node: n.id, path: `${path}/type` });
      return;
    }
    if (nested !== undefined && !blocks.has(nested)) {
      report('MF_UNKNOWN_BLOCK', `no block named "${nested}"`, { node: n.id, path: `${path}/type` });
      return;
    }
    if (def && def.role !== 'op') {
      report('MF_BLOCK_IO_NODE', `"${n.type}" is a graph ${def.role}; a block takes inputs and gives outputs through its ports instead`, { node: n.id, path: `${path}/type` });
    }
    const specs = def ? def.params : blocks.get(nested!)!.block.params;
    for (const [param, source] of Object.entries(n.bind ?? {})) {
      const at = { node: n.id, param, path: `${path}/bind/${param}` };
      const spec = specs[param];
      if (!spec) {
        report('MF_UNKNOWN_PARAM', `"${n.type}" has no param "${param}"`, at);
        continue;
      }
      try {
        const expr = parseParamExpr(source);
        const unknown = expr.names.filter((x) => !(x in block.params));
        if (unknown.length) {
          report('MF_BLOCK_EXPR', `param "${param}" = ${JSON.stringify(source)} reads ${unknown.map((u) => `"${u}"`).join(', ')}, which the block does not expose (exposed: ${Object.keys(block.params).join(', ') || 'none'})`, at);
          continue;
        }
        const value = expr.evaluate(defaults);
        const bad = checkParam(def ? spec : exposedParamSpec(spec as never), value);
        if (bad) report(bad.code, `param "${param}" = ${JSON.stringify(source)} gives ${JSON.stringify(value)} at the block's defaults, which ${bad.message}`, at);
      } catch (e) {
        report('MF_BLOCK_EXPR', `param "${param}": ${(e as Error).message}`, at);
      }
    }
  });

  const fed = new Set<string>();
  const portsOf = (id: string) => {
    const i = index.get(id);
    return i === undefined ? undefined : innerPorts(block.nodes[i]!.type, registry, blocks, new Set([name]));
  };
  for (const [port, spec] of Object.entries(block.inputs)) {
    const path = `${entry.path}/inputs/${port}`;
    if (spec.to.length === 0) report('MF_BLOCK_PORT_UNCONNECTED', `block input "${port}" leads to no inner port`, { port, path: `${path}/to` });
    spec.to.forEach(([id, p], k) => {
      fed.add(`${id}.${p}`);
      checkRef(id, p, 'inputs', `${path}/to/${k}`);
    });
  }
  for (const [port, spec] of Object.entries(block.outputs)) {
    checkRef(spec.from[0], spec.from[1], 'outputs', `${entry.path}/outputs/${port}/from`);
  }
  for (const e of block.edges) fed.add(`${e.to[0]}.${e.to[1]}`);
  block.nodes.forEach((n, i) => {
    const ports = portsOf(n.id);
    for (const [port, spec] of Object.entries(ports?.inputs ?? {})) {
      if (!spec.optional && !fed.has(`${n.id}.${port}`)) {
        report('MF_BLOCK_PORT_UNCONNECTED', `inner input "${n.id}.${port}" is connected neither inside the block nor to a block input`, { node: n.id, port, path: `${entry.path}/nodes/${i}` });
      }
    }
  });
  return problems;

  function checkRef(id: string, port: string, side: 'inputs' | 'outputs', path: string) {
    if (!index.has(id)) {
      report('MF_BLOCK_PORT_REF', `block port refers to inner node "${id}", which the block does not have`, { node: id, path });
      return;
    }
    const ports = portsOf(id);
    if (ports && !ports[side][port]) {
      report('MF_UNKNOWN_PORT', `inner node "${id}" has no ${side === 'inputs' ? 'input' : 'output'} port "${port}" (${side}: ${Object.keys(ports[side]).join(', ') || 'none'})`, { node: id, port, path });
    }
  }
}
