import type { GraphDoc } from './document.ts';
import { migrateNodes } from './migrate.ts';
import type { NodeRegistry } from './registry.ts';
import { upgradeRetiredTypes } from './upgrade.ts';

/**
 * A document as this build's node library reads it, done once when it is loaded: nodes of
 * retired types become their replacements, and every node's params (in the graph and in its
 * blocks) are migrated from the type version they were saved with to the registered one. What
 * the user then sees, edits and saves are current params, not ones analysis upgrades on the fly.
 * Returns `doc` itself when nothing changed, so callers can tell.
 */
export function upgradeDocument(doc: GraphDoc, registry: NodeRegistry): GraphDoc {
  const retired = upgradeRetiredTypes(doc, registry);
  let changed = retired !== doc;
  const up = <T extends GraphDoc['nodes'][number]>(nodes: T[]): T[] => {
    const out = migrateNodes(nodes, registry);
    if (out.every((n, i) => n === nodes[i])) return nodes;
    changed = true;
    return out;
  };
  const nodes = up(retired.nodes);
  const blocks =
    retired.blocks &&
    Object.fromEntries(
      Object.entries(retired.blocks).map(([name, b]) => {
        const inner = up(b.nodes);
        return [name, inner === b.nodes ? b : { ...b, nodes: inner }];
      }),
    );
  return changed ? { ...retired, nodes, ...(blocks ? { blocks } : {}) } : doc;
}
