import type { AnyNodeDef } from './node.ts';
import type { PortSpec } from './ports.ts';
import type { ParamSpec, ParamSpecs } from './params.ts';
import { NodeRegistry } from './registry.ts';
import { blockNameOf, blockType, type ExposedParam } from './block-schema.ts';
import type { BlockEntry, BlockSet } from './block-set.ts';

const ANY: PortSpec = { dtypes: ['float32'], shape: null, optional: false, description: '' };

export function exposedParamSpec(p: ExposedParam): ParamSpec {
  return { ...p, description: p.description ?? '' } as ParamSpec;
}

/** Ports of a node type inside a block: a registered type's, or a nested block's. */
export function innerPorts(
  type: string,
  registry: NodeRegistry,
  blocks: BlockSet,
  visiting: Set<string> = new Set(),
): { inputs: Record<string, PortSpec>; outputs: Record<string, PortSpec> } | undefined {
  const name = blockNameOf(type);
  if (name === undefined) return registry.get(type);
  const entry = blocks.get(name);
  if (!entry || visiting.has(name)) return undefined;
  return blockPorts(entry, registry, blocks, new Set([...visiting, name]));
}

/**
 * A block's ports take the type of the inner ports they lead to, so the editor colours and
 * checks them like any node's. An input is optional only when every inner port it feeds is.
 */
export function blockPorts(entry: BlockEntry, registry: NodeRegistry, blocks: BlockSet, visiting: Set<string> = new Set([entry.name])) {
  const { block } = entry;
  const portsOf = (id: string) => {
    const node = block.nodes.find((n) => n.id === id);
    return node ? innerPorts(node.type, registry, blocks, visiting) : undefined;
  };
  const inputs: Record<string, PortSpec> = {};
  for (const [port, spec] of Object.entries(block.inputs)) {
    const targets = spec.to.map(([id, p]) => portsOf(id)?.inputs[p]).filter((s): s is PortSpec => !!s);
    const first = targets[0] ?? ANY;
    inputs[port] = { ...first, optional: targets.length > 0 && targets.every((t) => t.optional), description: spec.description ?? first.description };
  }
  const outputs: Record<string, PortSpec> = {};
  for (const [port, spec] of Object.entries(block.outputs)) {
    const inner = portsOf(spec.from[0])?.outputs[spec.from[1]] ?? ANY;
    outputs[port] = { ...inner, description: spec.description ?? inner.description };
  }
  return { inputs, outputs };
}

/**
 * A block seen as a node type: ports, exposed params, title and docs for the palette, the
 * inspector and the canvas. It has no lowering: blocks are inlined before anything compiles.
 */
export function blockNodeDef(entry: BlockEntry, registry: NodeRegistry, blocks: BlockSet): AnyNodeDef {
  const { block } = entry;
  const params: ParamSpecs = Object.fromEntries(Object.entries(block.params).map(([k, p]) => [k, exposedParamSpec(p)]));
  const { inputs, outputs } = blockPorts(entry, registry, blocks);
  const where = entry.library ? ` from \`${entry.library}\`` : '';
  return {
    type: blockType(entry.name),
    version: block.version,
    category: 'blocks',
    title: block.title ?? entry.name,
    doc: `${block.description ?? `Block of ${block.nodes.length} nodes`}${where}.${block.shared ? ' Its instances share one set of weights.' : ''}`,
    role: 'op',
    inputs,
    outputs,
    params,
    migrations: [],
  };
}

/** The registry plus every block as a `block:<name>` type, for editors and listings. */
export function registryWithBlocks(registry: NodeRegistry, blocks: BlockSet): NodeRegistry {
  const out = new NodeRegistry(registry.list());
  for (const entry of blocks.list()) out.register(blockNodeDef(entry, registry, blocks));
  return out;
}
