import { ModalflowError } from '@modalflow/core';
import { bleu } from './bleu.ts';
import { ciderD } from './cider.ts';
import { tokenizeCaption } from './ptb-tokenize.ts';

export interface CaptionItem {
  id: number | string;
  /** The model's caption. */
  candidate: string;
  references: readonly string[];
}

export interface CaptioningResult {
  'BLEU-1': number;
  'BLEU-2': number;
  'BLEU-3': number;
  'BLEU-4': number;
  'CIDEr-D': number;
  /** Per item, in input order: BLEU-4 and CIDEr-D. */
  perItem: { id: number | string; bleu4: number; cider: number }[];
}

/** METEOR and SPICE run Java programs with their own data (WordNet, paraphrase tables, a parser). */
export const JAVA_ONLY_METRICS = ['METEOR', 'SPICE'] as const;

export function javaOnlyMetric(name: string): ModalflowError {
  return new ModalflowError(
    'MF_METRIC_UNAVAILABLE',
    `${name} is not computed: the reference implementation is a Java program with its own data files (${name === 'SPICE' ? 'Stanford CoreNLP and a scene-graph parser' : 'WordNet synonyms and paraphrase tables'}), and a re-implementation would not give the published numbers. Run pycocoevalcap for ${name}.`,
    {},
  );
}

/**
 * BLEU-1..4 and CIDEr-D on captions tokenised as the COCO caption evaluation does, in the
 * scale pycocoevalcap prints (0..1 for BLEU, CIDEr-D where 1.0 is what papers print as 100).
 */
export function captioningMetrics(items: readonly CaptionItem[]): CaptioningResult {
  if (items.length === 0) throw new ModalflowError('MF_METRIC_INPUT', 'no captions to evaluate', {});
  const pairs = items.map((it) => ({ hypothesis: tokenizeCaption(it.candidate), references: it.references.map(tokenizeCaption) }));
  const b = bleu(pairs);
  const c = ciderD(pairs);
  return {
    'BLEU-1': b.bleu[0]!,
    'BLEU-2': b.bleu[1]!,
    'BLEU-3': b.bleu[2]!,
    'BLEU-4': b.bleu[3]!,
    'CIDEr-D': c.cider,
    perItem: items.map((it, i) => ({ id: it.id, bleu4: b.perItem[i]![3]!, cider: c.perItem[i]! })),
  };
}
