import { ModalflowError, type Tensor } from '@modalflow/core';
import type { GenerateStage } from '@modalflow/compiler';
import type { EngineEvent } from './events.ts';
import { isResident, type Feed, type ResidentTensor, type Runtime, type RuntimeSession } from './runtime.ts';
import { REORDER_ROWS, reorderIn, reorderOut } from './beam-reorder.ts';
import { argmax, beamStep, bestHypothesis, logSoftmax, sampleToken, samplerRng, type Beam, type Hypothesis } from './decoding.ts';

export interface GenerateSettings {
  strategy: 'greedy' | 'beam' | 'sample';
  max_length: number;
  start_token: number;
  stop_tokens: number[];
  pad_token: number;
  beams: number;
  length_penalty: number;
  temperature: number;
  top_k: number;
  top_p: number;
  seed: number;
  use_cache: boolean;
  vocabulary: string[];
}

export interface GenerateRow {
  tokens: number[];
  text: string;
  stopped: boolean;
}

function abortError(): Error {
  return new DOMException('the run was cancelled', 'AbortError');
}

const toBig = (xs: readonly number[]) => BigInt64Array.from(xs, (x) => BigInt(x));

/**
 * Runs a step model over rows of tokens. With the cache on, each layer's keys and values stay in
 * the runtime (resident values when it has them) and only new tokens go in; with it off, every
 * step feeds each row's whole sequence over an empty cache.
 */
class Stepper {
  private past: Record<string, Feed> | undefined;
  private memoryRows: number[] | undefined;
  private memoryFeed: Feed | undefined;
  /** Cross-attention keys and values of the rows in `memoryRows`, when the stage has a cross model. */
  private crossFeeds: Record<string, Feed> | undefined;
  private seen = 0;
  steps = 0;
  /** Runs of the cross model and of the reorder model, and cache tensors copied through the host. */
  crossRuns = 0;
  reorderRuns = 0;
  hostCopies = 0;

  constructor(
    private readonly stage: GenerateStage,
    private readonly session: RuntimeSession,
    private readonly runtime: Runtime,
    private readonly memory: Tensor | undefined,
    private readonly useCache: boolean,
    private readonly crossSession?: RuntimeSession,
    private readonly reorderSession?: RuntimeSession,
    private readonly crossGatherSession?: RuntimeSession,
  ) {}

  /** Whether values can stay in the runtime between runs at all (with or without the self-attention cache). */
  private get canKeep() {
    return this.runtime.resident && this.session.runResident ? this.runtime.resident : undefined;
  }

  private get resident() {
    return this.useCache && this.runtime.resident && this.session.runResident ? this.runtime.resident : undefined;
  }

  private emptyPast(rows: number): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const c of this.stage.cache) out[c.past] = { dtype: 'float32', dims: [rows, c.heads, 0, c.headDim], data: new Float32Array(0) };
    return out;
  }

  /** The encoder states of the given rows (beams repeat their example's row). */
  private async memoryFor(rows: number[]): Promise<Feed | undefined> {
    if (!this.memory) return undefined;
    if (this.memoryRows && rows.length === this.memoryRows.length && rows.every((r, k) => r === this.memoryRows![k])) return this.memoryFeed;
    const [, s, d] = this.memory.dims as [number, number, number];
    const src = this.memory.data as Float32Array;
    const data = new Float32Array(rows.length * s * d);
    rows.forEach((r, k) => data.set(src.subarray(r * s * d, (r + 1) * s * d), k * s * d));
    const host: Tensor = { dtype: 'float32', dims: [rows.length, s, d], data };
    const had = this.memoryRows;
    if (this.stage.cross && had && this.crossGatherSession?.runResident && rows.every((r) => had.includes(r)) && Object.values(this.crossFeeds ?? {}).every(isResident)) {
      // Rows the keys and values are already computed for (an example's beams repeat its first
      // row): picked from the resident ones, without running the cross model again.
      const feeds: Record<string, Feed> = { [REORDER_ROWS]: { dtype: 'int64', dims: [rows.length], data: toBig(rows.map((r) => had.indexOf(r))) } };
      for (const [name, f] of Object.entries(this.crossFeeds!)) feeds[reorderIn(name)] = f;
      const outs = this.stage.cross.outputs.map(reorderOut);
      const r = await this.crossGatherSession.runResident(feeds, outs, outs);
      await this.dropMemory();
      this.crossFeeds = Object.fromEntries(this.stage.cross.outputs.map((name) => [name, r.kept[reorderOut(name)]!]));
      this.memoryRows = [...rows];
      this.memoryFeed = host;
      return host;
    }
    await this.dropMemory();
    this.memoryRows = [...rows];
    if (this.stage.cross) {
      // The step model never sees the states themselves, only their keys and values, computed
      // here once for these rows and left in the runtime for every step that follows.
      const cross = this.stage.cross;
      const keep = this.canKeep && this.crossSession!.runResident ? this.canKeep : undefined;
      if (keep) this.crossFeeds = (await this.crossSession!.runResident!({ encoder_hidden_states: host }, cross.outputs, cross.outputs)).kept;
      else this.crossFeeds = await this.crossSession!.run({ encoder_hidden_states: host }, cross.outputs);
      this.crossRuns++;
      this.memoryFeed = host;
      return host;
    }
    this.memoryFeed = this.resident ? await this.resident.upload(host) : host;
    return this.memoryFeed;
  }

  private async dropMemory(): Promise<void> {
    if (this.memoryFeed && isResident(this.memoryFeed)) await this.runtime.resident!.release([this.memoryFeed]);
    this.memoryFeed = undefined;
    const cross = Object.values(this.crossFeeds ?? {}).filter(isResident) as ResidentTensor[];
    if (cross.length) await this.runtime.resident!.release(cross);
    this.crossFeeds = undefined;
    this.memoryRows = undefined;
  }

  /** Reorders the cache rows (beam search): row k of the new cache is row parents[k] of the old. */
  async reorder(parents: number[]): Promise<void> {
    if (!this.past || !this.useCache) return;
    if (parents.length === this.seenRows && parents.every((p, k) => p === k)) return;
    const next: Record<string, Feed> = {};
    const resident = this.resident;
    if (resident && this.reorderSession?.runResident && Object.values(this.past).every(isResident)) {
      // One Gather per cache tensor inside the runtime: the cache never leaves it.
      const feeds: Record<string, Feed> = { [REORDER_ROWS]: { dtype: 'int64', dims: [parents.length], data: toBig(parents) } };
      for (const [name, f] of Object.entries(this.past)) feeds[reorderIn(name)] = f;
      const outs = Object.keys(this.past).map(reorderOut);
      const r = await this.reorderSession.runResident(feeds, outs, outs);
      for (const name of Object.keys(this.past)) next[name] = r.kept[reorderOut(name)]!;
      this.reorderRuns++;
    } else {
      for (const [name, f] of Object.entries(this.past)) {
        const t = isResident(f) ? await this.runtime.resident!.download(f) : f;
        const [, h, len, dh] = t.dims as [number, number, number, number];
        const row = h * len * dh;
        const src = t.data as Float32Array;
        const data = new Float32Array(parents.length * row);
        parents.forEach((p, k) => data.set(src.subarray(p * row, (p + 1) * row), k * row));
        const host: Tensor = { dtype: 'float32', dims: [parents.length, h, len, dh], data };
        next[name] = resident ? await resident.upload(host) : host;
        if (isResident(f)) this.hostCopies++;
      }
    }
    await this.dropPast();
    this.past = next;
    this.seenRows = parents.length;
  }

  private seenRows = 0;

  /**
   * Logits of the last position for each row. `tokens` are the new tokens of each row (cache
   * on) or the whole sequence so far (cache off); `memoryRows` names each row's example.
   */
  async step(tokens: number[][], memoryRows: number[]): Promise<Float32Array[]> {
    const rows = tokens.length;
    const t = tokens[0]!.length;
    const feeds: Record<string, Feed> = { [this.stage.names.ids]: { dtype: 'int64', dims: [rows, t], data: toBig(tokens.flat()) } };
    const pastLen = this.useCache ? this.seen : 0;
    const past = this.useCache && this.past ? this.past : this.emptyPast(rows);
    Object.assign(feeds, past);
    const memory = await this.memoryFor(memoryRows);
    if (this.stage.names.memory && memory) feeds[this.stage.names.memory] = memory;
    if (this.crossFeeds) Object.assign(feeds, this.crossFeeds);
    if (this.stage.names.mask) feeds[this.stage.names.mask] = { dtype: 'int64', dims: [rows, pastLen + t], data: new BigInt64Array(rows * (pastLen + t)).fill(1n) };
    if (this.stage.names.positions) {
      const pos = Array.from({ length: rows * t }, (_, k) => pastLen + (k % t));
      feeds[this.stage.names.positions] = { dtype: 'int64', dims: [rows, t], data: toBig(pos) };
    }
    if (this.stage.names.useCache) feeds[this.stage.names.useCache] = { dtype: 'bool', dims: [1], data: Uint8Array.of(pastLen > 0 ? 1 : 0) };
    const present = this.stage.cache.map((c) => c.present);
    let logits: Tensor;
    if (this.resident) {
      const r = await this.session.runResident!(feeds, present, ['logits', ...present]);
      logits = r.outputs['logits']!;
      // The last cache is freed without waiting: in the browser that is one worker round trip
      // per token saved, and the runtime frees it in order, before the next run it queues.
      const old = Object.values(this.past ?? {}).filter(isResident) as ResidentTensor[];
      if (old.length) this.runtime.resident!.release(old).catch(() => undefined);
      this.past = Object.fromEntries(this.stage.cache.map((c) => [c.past, r.kept[c.present]!]));
    } else {
      const fetches = this.useCache ? ['logits', ...present] : ['logits'];
      // Without the self-attention cache the cross keys and values may still be resident.
      const r = Object.values(feeds).some(isResident)
        ? (await this.session.runResident!(feeds, [], fetches)).outputs
        : await this.session.run(feeds as Record<string, Tensor>, fetches);
      logits = r['logits']!;
      if (this.useCache) this.past = Object.fromEntries(this.stage.cache.map((c) => [c.past, r[c.present]!]));
    }
    this.seen = pastLen + t;
    this.seenRows = rows;
    this.steps++;
    const v = logits.dims[2]!;
    const data = logits.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => data.slice((r * t + t - 1) * v, (r * t + t) * v));
  }

  private async dropPast(): Promise<void> {
    const held = Object.values(this.past ?? {}).filter(isResident) as ResidentTensor[];
    if (held.length) await this.runtime.resident!.release(held);
    this.past = undefined;
  }

  /** Starts over (the next example of a beam search). */
  async reset(): Promise<void> {
    await this.dropPast();
    this.seen = 0;
    this.seenRows = 0;
  }

  async release(): Promise<void> {
    await this.dropPast();
    await this.dropMemory();
  }
}

export interface GenerateContext {
  stage: GenerateStage;
  session: RuntimeSession;
  runtime: Runtime;
  /** The session of `stage.cross.model`, when the stage has one. */
  crossSession?: RuntimeSession;
  /** A session of beamReorderModel(stage.cache): beams reorder the cache inside the runtime. */
  reorderSession?: RuntimeSession;
  /** A session of beamReorderModel over the cross model's outputs: an example's beams repeat its keys and values. */
  crossGatherSession?: RuntimeSession;
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent) => void;
}

function wordsOf(tokens: number[], s: GenerateSettings): string {
  const stop = new Set(s.stop_tokens);
  return tokens.filter((t) => !stop.has(t)).map((t) => s.vocabulary[t] ?? String(t)).join(' ');
}

/** Runs a generate stage: the decoding loop over its step model. */
export async function runGenerate(ctx: GenerateContext, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const { stage, signal, onEvent } = ctx;
  const s = stage.settings as unknown as GenerateSettings;
  const node = stage.nodes[0]!;
  const memory = feeds['encoder_hidden_states'];
  const prompt = feeds['prompt'];
  const batch = prompt?.dims[0] ?? memory?.dims[0] ?? 1;
  if (memory && prompt && memory.dims[0] !== prompt.dims[0]) {
    throw new ModalflowError('MF_GENERATE_BATCH', `the prompt has ${prompt.dims[0]} rows but the encoder states have ${memory.dims[0]}`, { node, port: 'prompt' });
  }
  const promptLen = prompt?.dims[1] ?? 1;
  if (prompt && promptLen < 1) throw new ModalflowError('MF_GENERATE_EMPTY_PROMPT', 'the prompt has no tokens; give at least the start token', { node, port: 'prompt' });
  // A tokenizer pads every row to one length; generation continues after each row's last real token.
  const prompts: number[][] = Array.from({ length: batch }, (_, b) => {
    if (!prompt) return [s.start_token];
    const row = Array.from((prompt.data as BigInt64Array).subarray(b * promptLen, (b + 1) * promptLen), Number);
    let end = row.length;
    while (end > 1 && row[end - 1] === s.pad_token) end--;
    return row.slice(0, end);
  });
  const longest = Math.max(...prompts.map((p) => p.length));
  if (stage.maxPositions !== undefined && longest + s.max_length - 1 > stage.maxPositions) {
    throw new ModalflowError(
      'MF_GENERATE_TOO_LONG',
      `a prompt of ${longest} tokens plus max_length ${s.max_length} needs ${longest + s.max_length - 1} positions, but the decoder has ${stage.maxPositions} (max_positions)`,
      { node, param: 'max_length' },
    );
  }
  if (stage.cross && memory && !ctx.crossSession) {
    throw new ModalflowError('MF_PLAN_MODEL_MISSING', `the generate stage's cross-attention model "${stage.cross.model}" was not loaded`, { node, file: stage.cross.model });
  }
  const stepper = new Stepper(stage, ctx.session, ctx.runtime, memory, s.use_cache, ctx.crossSession, ctx.reorderSession, ctx.crossGatherSession);
  const started = performance.now();
  const check = () => {
    if (signal?.aborted) throw abortError();
  };
  let rows: GenerateRow[];
  try {
    if (s.strategy === 'beam') rows = await beamSearch(stepper, prompts, s, ctx, check);
    else {
      // Rows step together only when their prompts are equally long: the cache is one rectangle.
      const groups = new Map<number, number[]>();
      prompts.forEach((p, b) => groups.set(p.length, [...(groups.get(p.length) ?? []), b]));
      rows = [];
      const rng = s.strategy === 'sample' ? samplerRng(s.seed) : undefined;
      for (const ids of groups.values()) {
        await stepper.reset();
        const part = await stepwise(stepper, ids.map((b) => prompts[b]!), ids, s, ctx, check, rng);
        ids.forEach((b, k) => (rows[b] = part[k]!));
      }
    }
  } finally {
    await stepper.release();
  }
  const ms = performance.now() - started;
  const generated = rows.reduce((a, r) => a + r.tokens.length, 0);
  onEvent?.({
    type: 'generate-end', stage: stage.id, node, rows, steps: stepper.steps, ms, tokensPerSecond: generated / (ms / 1000), maxLength: s.max_length,
    transfers: { crossRuns: stepper.crossRuns, reorderRuns: stepper.reorderRuns, hostCopies: stepper.hostCopies },
  });

  const tokens = new BigInt64Array(batch * s.max_length).fill(BigInt(s.pad_token));
  rows.forEach((r, b) => tokens.set(toBig(r.tokens), b * s.max_length));
  return {
    tokens: { dtype: 'int64', dims: [batch, s.max_length], data: tokens },
    lengths: { dtype: 'int64', dims: [batch], data: toBig(rows.map((r) => r.tokens.length)) },
    stopped: { dtype: 'bool', dims: [batch], data: Uint8Array.from(rows.map((r) => (r.stopped ? 1 : 0))) },
    text: { dtype: 'string', dims: [batch], data: rows.map((r) => r.text) },
  };
}

/** Greedy and sampling: every row advances one token per step, all rows in one run. */
async function stepwise(
  stepper: Stepper, prompts: number[][], rowIds: number[], s: GenerateSettings, ctx: GenerateContext, check: () => void,
  rng: ReturnType<typeof samplerRng> | undefined,
): Promise<GenerateRow[]> {
  const stop = new Set(s.stop_tokens);
  const seqs = prompts.map((p) => [...p]);
  const out = prompts.map(() => [] as number[]);
  const done = prompts.map(() => false);
  for (let step = 0; step < s.max_length && done.some((d) => !d); step++) {
    check();
    const feed = s.use_cache && step > 0 ? seqs.map((q) => [q[q.length - 1]!]) : seqs;
    const logits = await stepper.step(feed, rowIds);
    check();
    for (let b = 0; b < seqs.length; b++) {
      if (done[b]) {
        // Finished rows keep the batch rectangular; what they are fed is never read.
        seqs[b]!.push(s.pad_token);
        continue;
      }
      const tok = rng ? sampleToken(logits[b]!, { temperature: s.temperature, topK: s.top_k, topP: s.top_p }, rng.nextUnit()) : argmax(logits[b]!);
      seqs[b]!.push(tok);
      out[b]!.push(tok);
      if (stop.has(tok)) done[b] = true;
      ctx.onEvent?.({ type: 'token', stage: ctx.stage.id, node: ctx.stage.nodes[0]!, row: rowIds[b]!, step, token: tok, piece: stop.has(tok) ? '' : s.vocabulary[tok] ?? String(tok), final: true });
    }
  }
  return out.map((tokens, b) => ({ tokens, text: wordsOf(tokens, s), stopped: done[b]! }));
}

/** Beam search, one example at a time, its beams batched as rows of the step model. */
async function beamSearch(stepper: Stepper, prompts: number[][], s: GenerateSettings, ctx: GenerateContext, check: () => void): Promise<GenerateRow[]> {
  const stop = new Set(s.stop_tokens);
  const rows: GenerateRow[] = [];
  for (let e = 0; e < prompts.length; e++) {
    await stepper.reset();
    const prefix = prompts[e]!;
    let beams: Beam[] = [{ tokens: [], logprob: 0 }];
    let parents: number[] = [0];
    const finished: Hypothesis[] = [];
    for (let step = 0; step < s.max_length && beams.length; step++) {
      check();
      await stepper.reorder(parents);
      const feed = s.use_cache && step > 0 ? beams.map((b) => [b.tokens[b.tokens.length - 1]!]) : beams.map((b) => [...prefix, ...b.tokens]);
      const logits = await stepper.step(feed, beams.map(() => e));
      check();
      const r = beamStep(beams, logits.map(logSoftmax), s.beams, stop, s.length_penalty, finished);
      beams = r.beams;
      parents = r.parents;
      if (finished.length >= s.beams) break;
      const lead = beams[0];
      if (lead) {
        const tok = lead.tokens[lead.tokens.length - 1]!;
        ctx.onEvent?.({ type: 'token', stage: ctx.stage.id, node: ctx.stage.nodes[0]!, row: e, step, token: tok, piece: s.vocabulary[tok] ?? String(tok), final: false, sequence: [...lead.tokens] });
      }
    }
    // Beams still open at max_length compete as they are, marked as not stopped.
    for (const b of finished.length >= s.beams ? [] : beams) {
      finished.push({ tokens: b.tokens, logprob: b.logprob, score: b.logprob / b.tokens.length ** s.length_penalty, stopped: false });
    }
    const best = bestHypothesis(finished);
    rows.push({ tokens: best.tokens, text: wordsOf(best.tokens, s), stopped: best.stopped });
  }
  return rows;
}
