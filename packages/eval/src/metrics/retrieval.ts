import { ModalflowError } from '@modalflow/core';

export interface RetrievalResult {
  /** Recall@K in percent, text queries retrieving images. */
  textToImage: Record<string, number>;
  /** Recall@K in percent, image queries retrieving texts (any of the image's captions counts). */
  imageToText: Record<string, number>;
  /** Mean of the six recalls at 1, 5, 10 ("RSUM / 6"), the summary ALBEF and others quote. */
  meanRecall: number;
  textToImageMedianRank: number;
  imageToTextMedianRank: number;
  textToImageMeanRank: number;
  imageToTextMeanRank: number;
  /** 1-based rank of the right image for each text. */
  textRanks: number[];
  /** 1-based rank of the best-placed right text for each image. */
  imageRanks: number[];
}

/**
 * 0-based position of candidate `target` when candidates are sorted by score, best first. A
 * wrong candidate with the same score counts as ahead, so a model that scores everything alike
 * gets no credit for ties; right candidates tying with each other do not push each other down.
 */
function position(score: (c: number) => number, count: number, target: number, isRight: (c: number) => boolean): number {
  const s = score(target);
  let ahead = 0;
  for (let c = 0; c < count; c++) {
    if (c === target) continue;
    const sc = score(c);
    if (sc > s || (sc === s && !isRight(c))) ahead++;
  }
  return ahead;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Image–text retrieval as in VSE++ (Faghri et al. 2018) and every paper after it: `scores` is
 * [images, texts] row-major (logits_per_image), `imageOfText[t]` the image caption t belongs to.
 * Image-to-text takes the best-ranked of the image's captions; text-to-image the one image.
 * Median rank is floor(median(0-based ranks)) + 1 and mean rank mean(0-based ranks) + 1, as
 * VSE++'s evaluation.py reports them.
 */
export function retrievalRecall(scores: ArrayLike<number>, images: number, imageOfText: readonly number[], ks: readonly number[] = [1, 5, 10]): RetrievalResult {
  const texts = imageOfText.length;
  if (scores.length !== images * texts) {
    throw new ModalflowError('MF_METRIC_INPUT', `the score matrix has ${scores.length} values, not ${images} images × ${texts} texts`, {});
  }
  imageOfText.forEach((i, t) => {
    if (!Number.isInteger(i) || i < 0 || i >= images) throw new ModalflowError('MF_METRIC_INPUT', `text ${t} belongs to image ${i}, outside 0..${images - 1}`, {});
  });
  const textsOf: number[][] = Array.from({ length: images }, () => []);
  imageOfText.forEach((i, t) => textsOf[i]!.push(t));
  const i2t: number[] = [];
  for (let i = 0; i < images; i++) {
    const mine = textsOf[i]!;
    if (mine.length === 0) continue;
    const right = new Set(mine);
    i2t.push(Math.min(...mine.map((t) => position((c) => scores[i * texts + c]!, texts, t, (c) => right.has(c)))));
  }
  const t2i = imageOfText.map((i, t) => position((c) => scores[c * texts + t]!, images, i, (c) => c === i));
  const recall = (ranks: number[]) => Object.fromEntries(ks.map((k) => [`R@${k}`, (100 * ranks.filter((r) => r < k).length) / ranks.length]));
  const textToImage = recall(t2i);
  const imageToText = recall(i2t);
  const six = [1, 5, 10].map((k) => [textToImage[`R@${k}`], imageToText[`R@${k}`]]).flat();
  const meanRank = (r: number[]) => r.reduce((a, b) => a + b, 0) / r.length + 1;
  return {
    textToImage,
    imageToText,
    meanRecall: six.every((x) => x !== undefined) ? six.reduce((a, b) => a! + b!, 0)! / 6 : NaN,
    textToImageMedianRank: Math.floor(median(t2i)) + 1,
    imageToTextMedianRank: Math.floor(median(i2t)) + 1,
    textToImageMeanRank: meanRank(t2i),
    imageToTextMeanRank: meanRank(i2t),
    textRanks: t2i.map((r) => r + 1),
    imageRanks: i2t.map((r) => r + 1),
  };
}
