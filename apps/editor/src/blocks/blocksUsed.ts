import { blockNameOf, type BlockDoc } from '@modalflow/core';

/** `name` and every block it uses, directly or through others, so a library file is complete. */
export function blocksUsed(blocks: Readonly<Record<string, BlockDoc>>, name: string): string[] {
  const out: string[] = [];
  const visit = (b: string) => {
    if (out.includes(b) || !blocks[b]) return;
    out.push(b);
    for (const n of blocks[b].nodes) {
      const inner = blockNameOf(n.type);
      if (inner !== undefined) visit(inner);
    }
  };
  visit(name);
  return out;
}
