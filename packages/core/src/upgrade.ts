import type { GraphDoc } from './document.ts';
import type { NodeRegistry } from './registry.ts';

interface NodeLike {
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  label?: string;
}

/** Reads a node of a retired type as the type that absorbed it; other nodes are returned as they are. */
export function upgradeNode<T extends NodeLike>(node: T, registry: NodeRegistry): T {
  const found = registry.replacementFor(node.type);
  if (!found || node.typeVersion > found.rule.version) return node;
  const { def, rule } = found;
  return {
    ...node,
    type: def.type,
    typeVersion: rule.into,
    params: rule.params(structuredClone(node.params)),
    ...(node.label === undefined && rule.label !== undefined ? { label: rule.label } : {}),
  };
}

/**
 * The document with every node of a retired type, in the graph and in its blocks, read as its
 * replacement. Node ids stay, so weight names and seeded weights stay too. Returns `doc` itself
 * when nothing is retired, so callers can tell.
 */
export function upgradeRetiredTypes(doc: GraphDoc, registry: NodeRegistry): GraphDoc {
  let changed = false;
  const up = <T extends NodeLike>(nodes: T[]): T[] => {
    const out = nodes.map((n) => upgradeNode(n, registry));
    if (out.some((n, i) => n !== nodes[i])) {
      changed = true;
      return out;
    }
    return nodes;
  };
  const nodes = up(doc.nodes);
  const blocks = doc.blocks && Object.fromEntries(Object.entries(doc.blocks).map(([name, b]) => {
    const inner = up(b.nodes);
    return [name, inner === b.nodes ? b : { ...b, nodes: inner }];
  }));
  return changed ? { ...doc, nodes, ...(blocks ? { blocks } : {}) } : doc;
}
