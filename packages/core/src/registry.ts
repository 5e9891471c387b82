import type { AnyNodeDef, Category, Replaces } from './node.ts';

/** The set of node types a graph may use. Types are unique: a second one is a mistake. */
export class NodeRegistry {
  private readonly defs = new Map<string, AnyNodeDef>();
  private readonly retired = new Map<string, { def: AnyNodeDef; rule: Replaces }>();

  constructor(defs: Iterable<AnyNodeDef> = []) {
    for (const d of defs) this.register(d);
  }

  register(def: AnyNodeDef): this {
    if (this.defs.has(def.type)) {
      throw new Error(`node type "${def.type}" is already registered`);
    }
    this.defs.set(def.type, def);
    for (const rule of def.replaces ?? []) {
      if (this.retired.has(rule.type)) throw new Error(`node type "${rule.type}" is replaced twice`);
      this.retired.set(rule.type, { def, rule });
    }
    return this;
  }

  /** The type that absorbed a retired one, and how to read the old node. */
  replacementFor(type: string): { def: AnyNodeDef; rule: Replaces } | undefined {
    return this.defs.has(type) ? undefined : this.retired.get(type);
  }

  get(type: string): AnyNodeDef | undefined {
    return this.defs.get(type);
  }

  has(type: string): boolean {
    return this.defs.has(type);
  }

  list(): AnyNodeDef[] {
    return [...this.defs.values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  byCategory(): Map<Category, AnyNodeDef[]> {
    const out = new Map<Category, AnyNodeDef[]>();
    for (const d of this.list()) {
      const list = out.get(d.category) ?? [];
      list.push(d);
      out.set(d.category, list);
    }
    return out;
  }
}
