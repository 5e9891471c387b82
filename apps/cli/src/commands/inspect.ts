import { ModalflowError, analyzeGraph, formatShape, type Analysis } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { loadGraphFile, loadAssets, type AssetOptions } from '@modalflow/node-io';
import { formatTable } from '../format/table.ts';
import { shortCount, shortFlops, withThousands } from '../format/numbers.ts';
import type { Io } from '../io.ts';

export interface InspectOptions extends AssetOptions {
  json?: boolean;
  symbol?: Record<string, number>;
}

export function inspectJson(analysis: Analysis, symbols: Record<string, number>) {
  return {
    title: analysis.doc.meta.title ?? '',
    symbols,
    nodes: analysis.order.map((id) => {
      const n = analysis.nodes.get(id)!;
      return {
        id,
        type: n.def.type,
        outputs: Object.fromEntries(
          Object.keys(n.outputs).map((p) => [p, { dtype: n.outputDtypes[p], shape: n.outputShapes[p] }]),
        ),
        params: n.paramCount,
        flops: n.flops,
      };
    }),
    totals: analysis.totals,
  };
}

export function inspectTable(analysis: Analysis, symbols: Record<string, number>): string {
  const rows: string[][] = [['node', 'type', 'output', 'shape', 'params', 'FLOPs']];
  for (const id of analysis.order) {
    const n = analysis.nodes.get(id)!;
    const ports = Object.keys(n.outputs);
    const cost = [n.paramCount ? withThousands(n.paramCount) : '-', n.flops ? shortFlops(n.flops) : '-'];
    if (ports.length === 0) rows.push([id, n.def.type, '', '', ...cost]);
    ports.forEach((p, i) => {
      const shape = `${n.outputDtypes[p]} ${formatShape(n.outputShapes[p] ?? [])}`;
      rows.push(i === 0 ? [id, n.def.type, p, shape, ...cost] : ['', '', p, shape, '', '']);
    });
  }
  const { params, flops } = analysis.totals;
  rows.push(['total', '', '', '', withThousands(params), shortFlops(flops)]);
  const bound = Object.entries(symbols).map(([k, v]) => `${k}=${v}`);
  const note = bound.length
    ? `FLOPs for ${bound.join(', ')}; other named sizes count as 1`
    : 'FLOPs per example: named sizes such as B count as 1 (set them with --symbol B=8)';
  return [
    formatTable(rows, ['left', 'left', 'left', 'left', 'right', 'right']),
    '',
    `${withThousands(params)} parameters (${shortCount(params)}), ${withThousands(flops)} FLOPs (${shortFlops(flops)})`,
    note,
  ].join('\n');
}

export async function inspectCommand(io: Io, file: string, opts: InspectOptions): Promise<void> {
  const symbols = opts.symbol ?? {};
  const graph = await loadGraphFile(file, io.cwd);
  const assets = await loadAssets(graph, opts, io.cwd);
  const analysis = analyzeGraph(graph.doc, createRegistry(), { file, symbols, asset: assets.lookup, library: graph.library });
  const errors = analysis.problems.filter((p) => p.severity !== 'warning');
  if (errors.length) throw ModalflowError.fromProblems(errors);
  io.out(opts.json ? JSON.stringify(inspectJson(analysis, symbols), null, 2) + '\n' : inspectTable(analysis, symbols) + '\n');
}
