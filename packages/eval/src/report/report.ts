/** One example shown in a report, worst first: what went in, what came out, what was expected. */
export interface ReportExample {
  id: string | number;
  /** The score that ranks it (lower is worse), in the metric's unit. */
  score: number;
  /** Files to show beside it (images; audio and video are linked). */
  media: string[];
  /** The question, caption or statement. */
  text: string;
  prediction: string;
  expected: string[];
}

export interface ReportBreakdown {
  title: string;
  /** Column heads after the key, e.g. ['examples', 'accuracy']. */
  columns: string[];
  rows: { key: string; values: number[] }[];
}

/** The outcome of one task on one data set: the metrics, their breakdowns and the worst examples. */
export interface ReportSection {
  task: 'captioning' | 'vqa' | 'retrieval' | 'classification' | 'nlvr2' | 'itm';
  /** Metric name to value, in the unit the papers print (percent, or CIDEr-D ×1 as pycocoevalcap gives it). */
  metrics: Record<string, number>;
  breakdowns: ReportBreakdown[];
  worst: ReportExample[];
  /** A metric asked for but not computed, and why. */
  skipped: { metric: string; reason: string }[];
  /** Examples evaluated. */
  count: number;
}

export interface EvalReport {
  format: 'modalflow.eval-report';
  version: 1;
  createdAt: string;
  graph?: string;
  predictions?: string;
  dataset: { format: string; file: string; rows: number };
  sections: ReportSection[];
}

/** How many worst examples a report keeps. */
export const WORST_EXAMPLES = 12;

export function worstFirst(examples: ReportExample[], keep = WORST_EXAMPLES): ReportExample[] {
  return [...examples].sort((a, b) => a.score - b.score).slice(0, keep);
}
