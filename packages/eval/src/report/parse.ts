import { z } from 'zod';
import { check, parseJson } from '../data/json.ts';
import type { EvalReport } from './report.ts';

const Example = z.object({
  id: z.union([z.string(), z.number()]),
  score: z.number(),
  media: z.array(z.string()),
  text: z.string(),
  prediction: z.string(),
  expected: z.array(z.string()),
});

const Report = z.object({
  format: z.literal('modalflow.eval-report'),
  version: z.literal(1),
  createdAt: z.string(),
  graph: z.string().optional(),
  predictions: z.string().optional(),
  dataset: z.object({ format: z.string(), file: z.string(), rows: z.number() }),
  sections: z.array(
    z.object({
      task: z.enum(['captioning', 'vqa', 'retrieval', 'classification', 'nlvr2', 'itm']),
      metrics: z.record(z.string(), z.number()),
      breakdowns: z.array(z.object({ title: z.string(), columns: z.array(z.string()), rows: z.array(z.object({ key: z.string(), values: z.array(z.number()) })) })),
      worst: z.array(Example),
      skipped: z.array(z.object({ metric: z.string(), reason: z.string() })),
      count: z.number(),
    }),
  ),
});

/** Whether a JSON text is an evaluation report rather than a graph, by its format tag. */
export function isEvalReportText(text: string): boolean {
  return /"format"\s*:\s*"modalflow\.eval-report"/.test(text.slice(0, 400));
}

/** Reads a `report.json` written by `modalflow eval`, checking every field. */
export function parseEvalReport(text: string, file: string): EvalReport {
  return check(Report, parseJson(text, file), file, 'not a ModalFlow evaluation report') as EvalReport;
}
