import { isModalflowError, type Problem } from './errors.ts';
import type { GraphDoc } from './document.ts';
import type { NodeRegistry } from './registry.ts';
import { parseGraph } from './load.ts';
import { analyzeGraph, type Analysis, type AnalyzeOptions } from './analyze.ts';

export interface Validation {
  doc?: GraphDoc;
  analysis?: Analysis;
  problems: Problem[];
  ok: boolean;
}

/** Parse, migrate and analyse a document's text, collecting every problem instead of throwing. */
export function validateGraphText(text: string, registry: NodeRegistry, options: AnalyzeOptions = {}): Validation {
  let doc: GraphDoc;
  try {
    doc = parseGraph(text, { file: options.file });
  } catch (e) {
    if (isModalflowError(e)) return { problems: e.problems, ok: false };
    throw e;
  }
  const analysis = analyzeGraph(doc, registry, options);
  return { doc, analysis, problems: analysis.problems, ok: analysis.ok };
}
