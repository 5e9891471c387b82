import type { Command } from 'commander';
import { createRegistry } from '@modalflow/nodes';
import { describeNode, formatNodeList } from '../format/node-doc.ts';
import type { Io } from '../io.ts';

export function registerNodes(program: Command, io: Io): void {
  program
    .command('nodes')
    .description('list every node type with its ports, params and documentation')
    .argument('[filter]', 'only types or categories containing this text')
    .option('--json', 'print machine-readable JSON')
    .action((filter: string | undefined, opts: { json?: boolean }) => {
      let docs = createRegistry().list().map(describeNode);
      if (filter) {
        const f = filter.toLowerCase();
        docs = docs.filter((d) => d.type.toLowerCase().includes(f) || d.category.toLowerCase().includes(f));
      }
      io.out(opts.json ? JSON.stringify(docs, null, 2) + '\n' : formatNodeList(docs) + '\n');
    });
}
