import { Xoshiro128, sha256Bytes } from '@modalflow/core';

/**
 * The choices a decoding loop makes from one row of next-token logits, in plain arithmetic so a
 * reference implementation elsewhere (tools/generate_reference.py) can make the same ones.
 */

/** Index of the largest logit; the first one wins a tie, as torch.argmax. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
  return best;
}

/** log softmax in float64. */
export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const x of logits) if (x > max) max = x;
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let v = 0; v < logits.length; v++) out[v] = logits[v]! - lse;
  return out;
}

/** The sampler's random stream: xoshiro128** seeded by SHA-256 of the seed, 24-bit uniforms. */
export function samplerRng(seed: number): Xoshiro128 {
  return new Xoshiro128(sha256Bytes(`modalflow:sample:${seed}`));
}

export interface SampleSettings {
  temperature: number;
  topK: number;
  topP: number;
}

/**
 * Draws a token: logits / temperature, keep the top_k largest (every token tied with the k-th
 * stays), softmax over those, keep the most likely ones until their mass reaches top_p, then walk
 * the kept tokens from most to least likely (ties by id) until the cumulative mass passes u.
 */
export function sampleToken(logits: Float32Array, s: SampleSettings, u: number): number {
  const n = logits.length;
  const order = Array.from({ length: n }, (_, v) => v).sort((a, b) => logits[b]! - logits[a]! || a - b);
  let keep = n;
  if (s.topK > 0 && s.topK < n) {
    const kth = logits[order[s.topK - 1]!]!;
    keep = s.topK;
    while (keep < n && logits[order[keep]!]! === kth) keep++;
  }
  const max = logits[order[0]!]! / s.temperature;
  const p = new Float64Array(keep);
  let total = 0;
  for (let r = 0; r < keep; r++) total += p[r] = Math.exp(logits[order[r]!]! / s.temperature - max);
  let mass = 0;
  let kept = keep;
  if (s.topP < 1) {
    for (let r = 0; r < keep; r++) {
      mass += p[r]! / total;
      if (mass >= s.topP) {
        kept = r + 1;
        break;
      }
    }
  }
  let keptTotal = 0;
  for (let r = 0; r < kept; r++) keptTotal += p[r]!;
  let cum = 0;
  for (let r = 0; r < kept; r++) {
    cum += p[r]! / keptTotal;
    if (u < cum) return order[r]!;
  }
  return order[kept - 1]!;
}

export interface Hypothesis {
  tokens: number[];
  /** Sum of log-probabilities of the generated tokens. */
  logprob: number;
  /** logprob / length^alpha, what beams are ranked by once finished. */
  score: number;
  stopped: boolean;
}

export interface Beam {
  tokens: number[];
  logprob: number;
}

/**
 * One beam-search step for one example. Candidates are every (beam, token) with the beam's
 * log-probability plus the token's; the best 2W are read in order (ties: earlier beam, then
 * lower id). A stop token among the first W ends a hypothesis; other candidates continue
 * until W beams are found. Returns the new beams with the index of the beam each extends.
 */
export function beamStep(
  beams: Beam[],
  logprobs: Float64Array[],
  width: number,
  stop: ReadonlySet<number>,
  lengthPenalty: number,
  finished: Hypothesis[],
): { beams: Beam[]; parents: number[] } {
  const cands: { b: number; v: number; s: number }[] = [];
  beams.forEach((beam, b) => {
    const lp = logprobs[b]!;
    for (let v = 0; v < lp.length; v++) cands.push({ b, v, s: beam.logprob + lp[v]! });
  });
  cands.sort((x, y) => y.s - x.s || x.b - y.b || x.v - y.v);
  const next: Beam[] = [];
  const parents: number[] = [];
  for (let rank = 0; rank < Math.min(2 * width, cands.length) && next.length < width; rank++) {
    const c = cands[rank]!;
    const tokens = [...beams[c.b]!.tokens, c.v];
    if (stop.has(c.v)) {
      if (rank < width) finished.push({ tokens, logprob: c.s, score: c.s / tokens.length ** lengthPenalty, stopped: true });
      continue;
    }
    next.push({ tokens, logprob: c.s });
    parents.push(c.b);
  }
  return { beams: next, parents };
}

/** The best hypothesis by score; the first added wins a tie. */
export function bestHypothesis(hyps: Hypothesis[]): Hypothesis {
  let best = hyps[0]!;
  for (const h of hyps) if (h.score > best.score) best = h;
  return best;
}
