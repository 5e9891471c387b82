import type { Analysis } from '@modalflow/core';

/**
 * Whether the graph ends in a square float matrix ([B, B]: each picture scored against each
 * caption), the output the Train panel's similarity view draws. Known from the analysis, so the
 * panel can say before training whether the view will appear.
 */
export function hasSquareOutput(analysis: Analysis): boolean {
  for (const info of analysis.nodes.values()) {
    if (info.def.role !== 'output' || !info.ok) continue;
    for (const [port, shape] of Object.entries(info.inputShapes)) {
      if (shape.length === 2 && shape[0] === shape[1] && info.inputDtypes[port] === 'float32') return true;
    }
  }
  return false;
}
