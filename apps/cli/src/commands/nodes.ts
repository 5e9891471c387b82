import { createRegistry } from '@modalflow/nodes';
import { describeNode, formatNodeList } from '../format/node-doc.ts';
import type { Io } from '../io.ts';

export interface NodesOptions {
  json?: boolean;
}

export function nodesCommand(io: Io, filter: string | undefined, opts: NodesOptions): void {
  let docs = createRegistry().list().map(describeNode);
  if (filter) {
    const f = filter.toLowerCase();
    docs = docs.filter((d) => d.type.toLowerCase().includes(f) || d.category.toLowerCase().includes(f));
  }
  io.out(opts.json ? JSON.stringify(docs, null, 2) + '\n' : formatNodeList(docs) + '\n');
}
