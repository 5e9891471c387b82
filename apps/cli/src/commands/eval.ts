import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ModalflowError, readNpy, writeNpy } from '@modalflow/core';
import {
  captionsOf,
  evaluateCaptioning,
  evaluateClassification,
  evaluateItm,
  itmPairs,
  evaluateNlvr2,
  evaluateRetrieval,
  evaluateVqa,
  formatMetric,
  readAnswerVocab,
  readCaptionResults,
  readNlvr2Predictions,
  readVqaResults,
  regionsAsCaptions,
  renderReportHtml,
  type AnswerVocab,
  type Dataset,
  type EvalReport,
  type ReportSection,
  type VqaDataset,
} from '@modalflow/eval';
import { checkMedia, loadDataset, type DatasetOptions } from '../eval/load-dataset.ts';
import { joinRegionFeatures } from '../eval/features.ts';
import { formatProviderReport } from '../format/providers.ts';
import { openGraph, type GraphRunOptions, type GraphRunner, readUserText, UsageError } from '@modalflow/node-io';
import { predictRetrieval, predictRows, type OnProgress } from '../eval/predict.ts';
import { bindInputs } from '../eval/bindings.ts';
import { tasksFor, type Task } from '../eval/metric-names.ts';
import { createProgress } from '../progress.ts';
import type { Io } from '../io.ts';

export interface EvalOptions extends GraphRunOptions, DatasetOptions {
  data: string;
  metric: string[];
  predictions?: string;
  input?: string[];
  output?: string;
  answers?: string;
  features?: string;
  batch?: string;
  out?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

const MEDIA_COLUMNS = ['image', 'video', 'audio', 'left_image', 'right_image'];

/** A progress bar on a terminal, a line per tenth otherwise (with --verbose). */
function progressBar(io: Io, label: string, enabled: boolean): OnProgress {
  let lastTenth = -1;
  return (done, total) => {
    if (!enabled) return;
    const frac = total ? done / total : 1;
    if (io.errIsTTY) {
      const width = 24;
      const filled = Math.round(frac * width);
      io.err(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${done >= total ? '\n' : ''}`);
    } else if (Math.floor(frac * 10) > lastTenth) {
      lastTenth = Math.floor(frac * 10);
      io.err(`· ${label}: ${done}/${total}\n`);
    }
  };
}

function argmax(scores: Float32Array, classes: number, row: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (scores[row * classes + c]! > scores[row * classes + best]!) best = c;
  return best;
}

function needVocab(vocab: AnswerVocab | undefined): AnswerVocab {
  if (!vocab) throw new UsageError('answers come from the graph as scores over an answer list: give it with --answers <file>');
  return vocab;
}

function chooseOutput(runner: GraphRunner, asked: string | undefined, preferred: string[]): string {
  if (asked) {
    if (!runner.outputs.includes(asked)) throw new UsageError(`the graph has no output "${asked}" (it has ${runner.outputs.join(', ')})`);
    return asked;
  }
  return preferred.find((p) => runner.outputs.includes(p)) ?? runner.outputs[0]!;
}

/** One-hot scores from hard predictions, so classification metrics read predictions files too. */
function oneHot(labels: number[], classes: number): Float32Array {
  const s = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => (s[i * classes + l] = 1));
  return s;
}

export async function evalCommand(io: Io, graphFile: string | undefined, opts: EvalOptions): Promise<void> {
  const tasks = tasksFor(opts.metric ?? []);
  if (!graphFile === !opts.predictions) throw new UsageError('give either a graph to run or --predictions <file> (not both)');
  const batch = opts.batch === undefined ? 16 : Number(opts.batch);
  if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a whole number ≥ 1, not "${opts.batch}"`);
  const show = !opts.quiet && (io.errIsTTY || !!opts.verbose);
  const progress = createProgress(io, show);
  const note = (line: string) => {
    if (!opts.quiet) io.err(line + '\n');
  };

  const read = await progress.time('reading the data set', () => loadDataset(opts.data, opts, io.cwd));
  // Region phrases serve as an image's captions for retrieval and captioning.
  const ds = read.format === 'visual-genome' && (tasks.has('retrieval') || tasks.has('captioning')) ? regionsAsCaptions(read) : read;
  note(`${ds.format}: ${ds.rows.length} rows from ${path.relative(io.cwd, ds.file) || ds.file}`);
  if (opts.features) await progress.time('reading region features', () => joinRegionFeatures(ds, path.resolve(io.cwd, opts.features!)));
  const vocab = opts.answers ? await readAnswerVocab(await readUserText(path.resolve(io.cwd, opts.answers), 'answer list'), path.resolve(io.cwd, opts.answers)) : undefined;
  const predictionsFile = opts.predictions ? path.resolve(io.cwd, opts.predictions) : undefined;
  const columns = [...new Set(ds.rows.flatMap((r) => Object.keys(r)))];
  const hasCaptions = columns.includes('captions');

  let runner: GraphRunner | undefined;
  if (graphFile) {
    runner = await openGraph(io, graphFile, opts, progress);
    for (const line of formatProviderReport(runner.providers)) note(line);
  }
  const sections: ReportSection[] = [];
  // What a graph predicted, in the format --predictions reads back (and the official scripts take).
  const predictionFiles = new Map<string, string | Uint8Array>();
  try {
    for (const [task, asked] of tasks) {
      sections.push(await runTask(task, asked));
    }
  } finally {
    await runner?.release();
  }

  async function runTask(task: Task, asked: string[]): Promise<ReportSection> {
    switch (task) {
      case 'captioning': {
        if (!hasCaptions) throw new UsageError(`captioning metrics need a caption data set; ${ds.format} has no captions`);
        if (!predictionsFile) {
          throw new UsageError('captioning metrics score generated captions: give them with --predictions results.json ([{ image_id, caption }])');
        }
        return evaluateCaptioning(ds, readCaptionResults(await readUserText(predictionsFile, 'predictions'), predictionsFile), asked);
      }
      case 'vqa': {
        if (ds.format !== 'vqa') throw new UsageError(`VQA accuracy needs a VQA data set (--format vqa), not ${ds.format}`);
        const vqa = ds as VqaDataset;
        if (predictionsFile) return evaluateVqa(vqa, readVqaResults(await readUserText(predictionsFile, 'predictions'), predictionsFile));
        const answers = needVocab(vocab);
        const { scores, classes } = await rowScores(['question', 'image']);
        if (classes !== answers.answers.length) throw new ModalflowError('MF_BAD_OUTPUT', `the graph scores ${classes} answers, the answer list has ${answers.answers.length}`, {});
        const predicted = new Map(ds.rows.map((r, i) => [r['question_id'] as number, answers.answers[argmax(scores, classes, i)]!]));
        predictionFiles.set('vqa_results.json', JSON.stringify([...predicted].map(([question_id, answer]) => ({ question_id, answer }))) + '\n');
        return evaluateVqa(vqa, predicted);
      }
      case 'nlvr2': {
        if (ds.format !== 'nlvr2') throw new UsageError(`NLVR2 metrics need an NLVR2 data set, not ${ds.format}`);
        return evaluateNlvr2(ds, await nlvr2Predictions());
      }
      case 'retrieval': {
        if (!hasCaptions) throw new UsageError(`retrieval needs captions per item; ${ds.format} has none`);
        const captions = captionsOf(ds);
        if (predictionsFile) {
          const t = readNpy(new Uint8Array(await readFile(predictionsFile)), predictionsFile);
          if (t.dims.length !== 2 || t.dims[0] !== ds.rows.length || t.dims[1] !== captions.length) {
            throw new ModalflowError('MF_METRIC_INPUT', `the score matrix is [${t.dims.join(', ')}], expected [${ds.rows.length} items, ${captions.length} captions]`, { file: predictionsFile });
          }
          return evaluateRetrieval(ds, Float32Array.from(t.data as ArrayLike<number>));
        }
        const r = runner!;
        const itemColumn = MEDIA_COLUMNS.find((c) => columns.includes(c))!;
        const bindings = bindInputs(r.inputs, opts.input ?? [], [...columns, 'caption'], { text: 'caption', image: itemColumn });
        const text = bindings.find((b) => b.column === 'caption');
        const item = bindings.find((b) => b.column !== 'caption');
        if (!text || !item || bindings.length !== 2) throw new UsageError('retrieval runs a dual encoder: bind one graph input to the items (e.g. image) and one to caption');
        checkMedia(ds, [item.column]);
        const output = chooseOutput(r, opts.output, ['logits_per_image', 'logits_per_text']);
        const scores = await predictRetrieval(r, ds, item, text.input, captions.map((c) => c.text), output, batch, progressBar(io, 'scoring', show));
        predictionFiles.set('retrieval_scores.npy', writeNpy({ dtype: 'float32', dims: [ds.rows.length, captions.length], data: scores }));
        return evaluateRetrieval(ds, scores);
      }
      case 'itm': {
        if (!hasCaptions) throw new UsageError(`image-text matching needs a caption data set; ${ds.format} has no captions`);
        if (!runner) throw new UsageError('image-text matching runs a graph with a matching head over caption pairs; give the graph');
        const pairs = itmPairs(ds);
        const itemColumn = MEDIA_COLUMNS.find((c) => columns.includes(c))!;
        const bindings = bindInputs(runner.inputs, opts.input ?? [], [...columns, 'caption'], { text: 'caption', image: itemColumn });
        checkMedia(ds, [itemColumn]);
        const output = chooseOutput(runner, opts.output, ['match', 'probs', 'logits']);
        const { scores, classes } = await predictRows(runner, pairs, bindings, output, batch, progressBar(io, 'matching', show));
        // Probabilities of "match" (class 1), from probabilities as given or from logits.
        const probability = /prob|match/.test(output);
        const p = pairs.rows.map((_, i) =>
          classes === 2
            ? probability ? scores[i * 2 + 1]! : 1 / (1 + Math.exp(scores[i * 2]! - scores[i * 2 + 1]!))
            : probability ? scores[i]! : 1 / (1 + Math.exp(-scores[i]!)),
        );
        return evaluateItm(pairs, p);
      }
      case 'classification': {
        if (ds.format === 'nlvr2') {
          const labels = ds.rows.map((r) => (r['label'] ? 1 : 0));
          if (runner) {
            const { scores, classes } = await rowScores(['sentence']);
            return evaluateClassification(ds, classes === 2 ? scores : Float32Array.from([...scores].flatMap((s) => [0, s])), ['False', 'True'], labels, (i) => ds.rows[i]!['sentence'] as string);
          }
          const p = await nlvr2Predictions();
          return evaluateClassification(ds, oneHot(ds.rows.map((r) => (p.get(r['identifier'] as string) ? 1 : 0)), 2), ['False', 'True'], labels, (i) => ds.rows[i]!['sentence'] as string);
        }
        if (ds.format === 'vqa') {
          const answers = needVocab(vocab);
          // Questions whose usual answer is outside the list cannot be right; they are left out, and said so.
          const keep = ds.rows.map((r, i) => [r, i] as const).filter(([r]) => answers.index.has(r['multiple_choice_answer'] as string));
          if (keep.length < ds.rows.length) note(`classification: ${ds.rows.length - keep.length} questions whose answer is not in the answer list are left out`);
          const sub: Dataset = { ...ds, rows: keep.map(([r]) => r), at: keep.map(([, i]) => ds.at[i]!) };
          const labels = sub.rows.map((r) => answers.index.get(r['multiple_choice_answer'] as string)!);
          let scores: Float32Array;
          if (runner) scores = (await rowScores(['question', 'image'], sub)).scores;
          else {
            const p = readVqaResults(await readUserText(predictionsFile!, 'predictions'), predictionsFile!);
            scores = oneHot(sub.rows.map((r) => answers.index.get(p.get(r['question_id'] as number) ?? '') ?? 0), answers.answers.length);
          }
          return evaluateClassification(sub, scores, answers.answers, labels, (i) => sub.rows[i]!['question'] as string);
        }
        throw new UsageError(`classification accuracy is computed on NLVR2 (true/false) or VQA with --answers, not ${ds.format}`);
      }
    }
  }

  async function rowScores(textColumns: string[], on: Dataset = ds): Promise<{ scores: Float32Array; classes: number }> {
    const r = runner!;
    const text = textColumns.find((c) => columns.includes(c));
    const bindings = bindInputs(r.inputs, opts.input ?? [], columns, { ...(text ? { text } : {}), image: columns.includes('image') ? 'image' : 'left_image' });
    checkMedia(on, bindings.map((b) => b.column).filter((c) => MEDIA_COLUMNS.includes(c)));
    const output = chooseOutput(r, opts.output, ['logits', 'probs', 'scores']);
    return predictRows(r, on, bindings, output, batch, progressBar(io, 'running', show));
  }

  async function nlvr2Predictions(): Promise<Map<string, boolean>> {
    if (predictionsFile) return readNlvr2Predictions([await readUserText(predictionsFile, 'predictions')], predictionsFile);
    const { scores, classes } = await rowScores(['sentence']);
    const predicted = new Map(ds.rows.map((r, i) => [r['identifier'] as string, classes === 1 ? scores[i]! > 0 : argmax(scores, classes, i) === 1]));
    predictionFiles.set('nlvr2_predictions.csv', [...predicted].map(([id, p]) => `${id},${p ? 'True' : 'False'}\n`).join(''));
    return predicted;
  }

  const report: EvalReport = {
    format: 'modalflow.eval-report',
    version: 1,
    createdAt: new Date().toISOString(),
    ...(graphFile ? { graph: path.resolve(io.cwd, graphFile) } : {}),
    ...(predictionsFile ? { predictions: predictionsFile } : {}),
    dataset: { format: ds.format, file: ds.file, rows: ds.rows.length },
    sections,
  };
  const outDir = path.resolve(io.cwd, opts.out ?? (predictionsFile ? path.join(path.dirname(predictionsFile), 'eval-report') : 'eval-report'));
  await mkdir(outDir, { recursive: true });
  const href = (f: string) => encodeURI(path.relative(outDir, path.resolve(io.cwd, f)).split(path.sep).join('/'));
  await writeFile(path.join(outDir, 'report.json'), JSON.stringify(report, null, 1) + '\n');
  await writeFile(path.join(outDir, 'report.html'), renderReportHtml(report, href));
  for (const [name, content] of predictionFiles) await writeFile(path.join(outDir, name), content);
  note(`wrote ${path.relative(io.cwd, path.join(outDir, 'report.json'))}, report.html${[...predictionFiles.keys()].map((n) => `, ${n}`).join('')}`);

  if (opts.json) {
    io.out(JSON.stringify(report) + '\n');
    return;
  }
  const lines: string[] = [];
  for (const s of sections) {
    lines.push(`${s.task} (${s.count} examples)`);
    const width = Math.max(...Object.keys(s.metrics).map((k) => k.length), ...s.skipped.map((k) => k.metric.length));
    for (const [k, v] of Object.entries(s.metrics)) lines.push(`  ${k.padEnd(width)}  ${formatMetric(v)}`);
    for (const k of s.skipped) lines.push(`  ${k.metric.padEnd(width)}  skipped: ${k.reason}`);
  }
  io.out(lines.join('\n') + '\n');
}
