import { describe, expect, it } from 'vitest';
import { readCaptionResults, readCocoCaptions } from '../data/coco-captions.ts';
import { readVqa, readVqaResults } from '../data/vqa.ts';
import { readNlvr2 } from '../data/nlvr2.ts';
import { captioningMetrics } from './captioning.ts';
import { tokenizeCaption } from './ptb-tokenize.ts';
import { vqaAccuracy } from './vqa-accuracy.ts';
import { nlvr2Metrics } from './nlvr2.ts';
import { retrievalRecall } from './retrieval.ts';
import { fixtureText } from '../testing/fixtures.ts';

/**
 * Every number here was computed by the official evaluation code on the same files
 * (packages/eval/reference/make_fixtures.py writes both).
 */
const expected = JSON.parse(fixtureText('reference/expected.json'));

describe('agreement with the official evaluation code', () => {
  it('BLEU-1..4 and CIDEr-D equal pycocoevalcap on the caption fixture', () => {
    const gts = readCocoCaptions(fixtureText('reference/captions.json'), 'captions.json');
    const res = readCaptionResults(fixtureText('reference/caption_results.json'), 'results.json');
    const items = gts.rows.map((r) => ({ id: r['image_id'] as number, candidate: res.get(r['image_id'] as number)!, references: r['captions'] as string[] }));
    // The tokenisation the scorers saw.
    for (const it of items) {
      expect(tokenizeCaption(it.candidate)).toBe(expected.captioning.tokenized.candidates[String(it.id)]);
      expect(it.references.map(tokenizeCaption)).toEqual(expected.captioning.tokenized.references[String(it.id)]);
    }
    const m = captioningMetrics(items);
    const ref = expected.captioning;
    [m['BLEU-1'], m['BLEU-2'], m['BLEU-3'], m['BLEU-4']].forEach((b, k) => expect(b).toBeCloseTo(ref.BLEU[k], 12));
    expect(m['CIDEr-D']).toBeCloseTo(ref['CIDEr-D'], 12);
    m.perItem.forEach((p, i) => {
      expect(p.bleu4).toBeCloseTo(ref['BLEU-4 per image'][i], 12);
      expect(p.cider).toBeCloseTo(ref['CIDEr-D per image'][i], 12);
    });
  });

  it('VQA accuracy equals the official vqaEval.py, overall, per type and per question', () => {
    const ds = readVqa({ text: fixtureText('reference/vqa_questions.json'), file: 'q.json' }, { text: fixtureText('reference/vqa_annotations.json'), file: 'a.json' });
    const preds = readVqaResults(fixtureText('reference/vqa_results.json'), 'r.json');
    const questions = ds.rows.map((r) => ({
      question_id: r['question_id'] as number,
      question_type: r['question_type'] as string,
      answer_type: r['answer_type'] as string,
      answers: ds.answers.get(r['question_id'] as number)!,
    }));
    const m = vqaAccuracy(questions, preds);
    const ref = expected.vqa;
    expect(m.overall).toBeCloseTo(ref.overall, 12);
    expect(Number(m.overall.toFixed(2))).toBe(ref['overall (rounded by the script)']);
    for (const [t, v] of Object.entries(ref.perQuestionType)) expect(m.perQuestionType[t]).toBeCloseTo(v as number, 12);
    for (const [t, v] of Object.entries(ref.perAnswerType)) expect(m.perAnswerType[t]).toBeCloseTo(v as number, 12);
    for (const [q, v] of Object.entries(ref.perQuestion)) expect(m.perQuestion.get(Number(q))).toBeCloseTo(v as number, 12);
  });

  it('NLVR2 accuracy and consistency equal the dataset\'s metrics.py', async () => {
    const ds = await readNlvr2([fixtureText('reference/nlvr2_dev.json')], 'dev.json');
    const preds = new Map(
      fixtureText('reference/nlvr2_predictions.csv').trim().split('\n').map((l) => {
        const [id, p] = l.split(',');
        return [id!, p === 'True'] as const;
      }),
    );
    const m = nlvr2Metrics(ds.rows.map((r) => ({ identifier: r['identifier'] as string, label: r['label'] as boolean })), preds);
    expect(m.accuracy).toBeCloseTo(expected.nlvr2.accuracy, 12);
    expect(m.consistency).toBeCloseTo(expected.nlvr2.consistency, 12);
  });

  it("retrieval recalls and ranks equal VSE++'s i2t and t2i", () => {
    const f = JSON.parse(fixtureText('reference/retrieval_scores.json'));
    const m = retrievalRecall(f.scores, f.images, f.imageOfText);
    const ref = expected.retrieval;
    for (const k of ['R@1', 'R@5', 'R@10']) {
      expect(m.imageToText[k]).toBeCloseTo(ref.imageToText[k], 12);
      expect(m.textToImage[k]).toBeCloseTo(ref.textToImage[k], 12);
    }
    expect(m.imageToTextMedianRank).toBe(ref.imageToText.medianRank);
    expect(m.textToImageMedianRank).toBe(ref.textToImage.medianRank);
    expect(m.imageToTextMeanRank).toBeCloseTo(ref.imageToText.meanRank, 12);
    expect(m.textToImageMeanRank).toBeCloseTo(ref.textToImage.meanRank, 12);
  });
});
