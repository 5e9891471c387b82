import { NodeError, asset, bool, choice, defineNode, float, int, ints, strings, tensor } from '@modalflow/core';

export const STRATEGIES = ['greedy', 'beam', 'sample'] as const;

/**
 * The decoding loop's settings (Graves 2012 and Sutskever et al. 2014 for beam search; Fan et
 * al. 2018 for top-k and Holtzman et al. 2020 for nucleus sampling). The engine runs the step
 * model of the decoder wired to `logits` (or of an imported Optimum decoder) once per token:
 *   greedy:  w_t = argmax_v  l_t[v]
 *   sample:  w_t ~ softmax(l_t / T) restricted to the k best and to the smallest set of mass >= p
 *   beam:    keep the `beams` best prefixes by sum of log-probabilities; a finished prefix of
 *            n generated tokens scores  sum log p / n^alpha  (alpha = length_penalty)
 * A row ends at a stop token or after `max_length` new tokens.
 */
export default defineNode({
  type: 'head.generate',
  version: 1,
  category: 'heads',
  title: 'Generate',
  doc:
    'Turns a decoder into a writer: starting from the prompt (or the start token), it asks the decoder for the next token, appends it, and repeats until a stop token or `max_length`. ' +
    'Greedy takes the best token each time; beam search keeps the `beams` best sentences so far and picks the best finished one (a `length_penalty` above 0 favours longer ones); sampling draws tokens at random (seeded, so the same `seed` writes the same text), sharpened or flattened by `temperature` and limited to the `top_k` best or the `top_p` most likely mass. ' +
    'The decoder\'s keys and values stay in the runtime between steps (the KV cache), so each step only computes the new token; turn `use_cache` off to recompute the whole prefix each step. ' +
    'Tokens stream out while they are written. `text` joins the words of `vocabulary` (token id = position in the list).',
  formula: 'w_t = \\arg\\max_v \\log p(v \\mid w_{<t}, m) \\quad\\text{or}\\quad w_t \\sim \\mathrm{softmax}(\\ell_t / T)|_{\\text{top-}k,\\,\\text{top-}p}',
  source: 'Graves 2012, Sutskever et al. 2014 (beam search); Wu et al. 2016 (length penalty); Fan et al. 2018 (top-k); Holtzman et al. 2020 (top-p); Hugging Face generate() and Optimum\'s decoder_model_merged.onnx layout',
  inputs: {
    logits: tensor('float32', ['B', 'T', 'V'], { optional: true, description: 'A decoder\'s logits: marks which decoder the loop runs' }),
    prompt: tensor('int64', ['B', 'P'], { optional: true, description: 'Tokens to start from [B, P]; the start token when unconnected' }),
    memory: tensor('float32', ['B', 'S', 'Dm'], { optional: true, description: 'Encoder states for an imported decoder (`model`); a wired decoder reads its own' }),
  },
  outputs: {
    tokens: tensor('int64', ['B', 'max_length'], { description: 'Generated token ids [B, max_length], padded with pad_token after the end' }),
    lengths: tensor('int64', ['B'], { description: 'Generated tokens per row, stop token included' }),
    stopped: tensor('bool', ['B'], { description: 'True where the row ended with a stop token, false where max_length cut it' }),
    text: tensor('string', ['B'], { description: 'The tokens as words of `vocabulary`, stop token left out' }),
  },
  params: {
    strategy: choice(STRATEGIES, { default: 'greedy', description: 'greedy: best token each step; beam: beam search; sample: seeded sampling' }),
    max_length: int({ default: 20, min: 1, max: 4096, description: 'Most new tokens per row' }),
    start_token: int({ default: 2, min: 0, description: 'Token that starts generation when no prompt is connected ([CLS] = 2 in the teaching vocabulary)' }),
    stop_tokens: ints({ default: [3], description: 'Tokens that end a row ([SEP] = 3 in the teaching vocabulary)' }),
    pad_token: int({ default: 0, min: 0, description: 'Fills `tokens` after a row ends' }),
    beams: int({ default: 4, min: 1, max: 64, description: 'Beam width (beam search)' }),
    length_penalty: float({ default: 1, min: -10, max: 10, description: 'alpha in score / length^alpha (beam search); 0 compares raw log-probabilities' }),
    temperature: float({ default: 1, min: 0.01, max: 100, description: 'Divides the logits before sampling: below 1 sharper, above 1 flatter' }),
    top_k: int({ default: 0, min: 0, description: 'Sample among the k most likely tokens; 0 = all' }),
    top_p: float({ default: 1, min: 0, max: 1, description: 'Sample among the most likely tokens whose probabilities add up to p (nucleus); 1 = all' }),
    seed: int({ default: 0, min: 0, description: 'Seed of the sampler: the same seed writes the same tokens' }),
    use_cache: bool({ default: true, description: 'Keep keys and values between steps (fast); off recomputes the whole prefix each step' }),
    vocabulary: strings({ default: [], description: 'Words by token id, for `text` and the streamed tokens; empty shows ids' }),
    model: asset({ default: '', accept: ['.onnx'], description: 'An imported decoder in the Optimum layout (decoder_model_merged.onnx) instead of a wired one' }),
  },
  infer: ({ inputs, params: p }) => {
    const b = inputs['prompt']?.[0] ?? inputs['logits']?.[0] ?? inputs['memory']?.[0] ?? 1;
    const v = inputs['logits']?.[2];
    for (const t of [p.start_token, p.pad_token, ...p.stop_tokens]) {
      if (typeof v === 'number' && t >= v) throw new NodeError(`token ${t} is outside the decoder's vocabulary of ${v}`);
    }
    if (p.vocabulary.length && typeof v === 'number' && p.vocabulary.length !== v) {
      throw new NodeError(`vocabulary has ${p.vocabulary.length} words but the decoder scores ${v}`);
    }
    return { tokens: [b, p.max_length], lengths: [b], stopped: [b], text: [b] };
  },
  generate: true,
});
