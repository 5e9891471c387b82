import { proxy, wrap, releaseProxy, type Remote } from 'comlink';
import { isModalflowError, type Problem, type Tensor, type WeightsMap } from '@modalflow/core';
import { carryReport, checkWeights, mapCheckpoint } from '@modalflow/compiler';
import { readSafetensors, writeSafetensors } from '@modalflow/onnx';
import type { EditorStore } from '../store/createEditorStore.ts';
import { TRAIN_ACTIVE } from '../store/trainSlice.ts';
import { EventBatcher, applyTrainEvents } from './eventBatch.ts';
import { docHash } from '../run/docHash.ts';
import { trainProviders } from './providers.ts';
import { graphInputs } from '../run/graphInputs.ts';
import type { ImageItem } from '../run/inputValues.ts';
import type { InitReport, TrainRequest, TrainWorkerApi, ViewPicture } from './protocol.ts';
import { fetchLessonWeights } from './lessonWeights.ts';
import { objectiveRows, settingsProblems, trainConfigOf } from './settings.ts';

/** Examples in the similarity view: enough to see a diagonal, few enough to label every row and column. */
export const VIEW_SIZE = 8;

function problemsOf(e: unknown): Problem[] {
  if (isModalflowError(e)) return e.problems.length ? [...e.problems] : [{ code: e.code, message: e.message, at: e.at }];
  return [{ code: 'MF_TRAIN_FAILED', message: (e as Error)?.message ?? String(e), at: {} }];
}

/** A data URL of an RGB picture, so it can be shown and fed to the run panel like an uploaded one. */
export function pictureUrl(p: ViewPicture): string {
  const canvas = document.createElement('canvas');
  canvas.width = p.width;
  canvas.height = p.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(p.width, p.height);
  for (let i = 0, j = 0; i < p.pixels.length; i += 3, j += 4) {
    img.data[j] = p.pixels[i]!;
    img.data[j + 1] = p.pixels[i + 1]!;
    img.data[j + 2] = p.pixels[i + 2]!;
    img.data[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL('image/png');
}

/**
 * Trains the open graph in a worker of its own (training/train.worker.ts): the page sends the
 * document and settings, and gets back metrics and the small tensors its views draw. Trained
 * weights become the weights the run panel compiles with.
 */
export class Trainer {
  readonly #editor: EditorStore;
  #worker: Worker | null = null;
  #api: Remote<TrainWorkerApi> | null = null;
  #run = 0;
  readonly #events: EventBatcher;

  constructor(editor: EditorStore) {
    this.#editor = editor;
    this.#events = new EventBatcher((events) => {
      const t = editor.getState().train;
      const next = applyTrainEvents(t, events);
      if (next !== t) editor.setState({ train: next });
    });
    // A new document forgets the run; a run still going trained the old graph.
    editor.subscribe((s, prev) => {
      if (s.train.status === 'idle' && TRAIN_ACTIVE.includes(prev.train.status)) this.#drop();
    });
  }

  get busy(): boolean {
    return TRAIN_ACTIVE.includes(this.#editor.getState().train.status);
  }

  #ensure(): Remote<TrainWorkerApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'modalflow-training' });
      this.#api = wrap<TrainWorkerApi>(this.#worker);
    }
    return this.#api;
  }

  /**
   * Starts the training worker and compiles onnxruntime's wasm in it while nothing trains: both
   * take the CPU for a second or more, which right after Train stalled the page's frames.
   */
  warm(): void {
    if (this.busy || this.#api) return;
    void this.#ensure().warm();
  }

  #drop(): void {
    this.#run++;
    this.#events.clear();
    this.#api?.[releaseProxy]();
    this.#api = null;
    this.#worker?.terminate();
    this.#worker = null;
  }

  async start(): Promise<void> {
    if (this.busy) return;
    const store = this.#editor;
    const s = store.getState();
    const { settings } = s.train;
    const rows = objectiveRows(s.doc, s.analysis, settings.objectives);
    const problems = settingsProblems(settings, rows);
    if (!s.analysis.ok) problems.unshift({ code: 'MF_GRAPH_INVALID', message: 'the graph has problems; fix those listed in the inspector first', at: {} });
    if (problems.length) {
      this.#events.clear();
      s.trainFailed(problems, 'Check the settings');
      return;
    }
    const hash = docHash(s.doc);
    this.#events.clear();
    s.trainStarted(settings.steps, hash);
    const run = ++this.#run;
    const loaded = settings.fromLoaded ? s.weights : null;
    const request: TrainRequest = {
      doc: JSON.parse(JSON.stringify(s.doc)),
      assets: Object.fromEntries(s.assets),
      libraries: Object.fromEntries(s.libraries),
      config: trainConfigOf(settings, rows),
      data: settings.data,
      batchSize: settings.batchSize,
      steps: settings.steps,
      evalEvery: settings.evalEvery,
      seed: settings.seed,
      providers: [],
      ...(loaded ? { weights: Object.fromEntries(loaded.tensors) } : {}),
      ...(settings.shots ? { shots: settings.shots } : {}),
      viewSize: VIEW_SIZE,
    };
    const onWorkerError = (e: ErrorEvent) => {
      if (run !== this.#run) return;
      this.#events.flush();
      store.getState().trainFailed([{ code: 'MF_TRAIN_WORKER', message: `the training worker failed: ${e.message || 'it could not start'}`, at: {} }]);
    };
    try {
      const chosen = await trainProviders(settings.provider);
      if (run !== this.#run) return;
      request.providers = chosen.providers;
      if (chosen.note) store.setState((st) => ({ train: { ...st.train, providerNote: chosen.note! } }));
      if (settings.init) {
        const bytes = settings.init.bytes ?? (await fetchLessonWeights(settings.init.lesson ?? settings.init.name));
        if (run !== this.#run) return;
        request.init = { name: settings.init.name, bytes };
      }
      const api = this.#ensure();
      this.#worker!.addEventListener('error', onWorkerError, { once: true });
      const ended = await api.train(
        request,
        proxy((e) => {
          if (run === this.#run) this.#events.push(e);
        }),
      );
      if (run !== this.#run) return;
      this.#events.flush();
      if (ended !== 'failed') await this.#adoptTrained();
    } catch (e) {
      if (run !== this.#run) return;
      this.#events.flush();
      store.getState().trainFailed(problemsOf(e));
    }
  }

  /** The trained weights become the ones the run panel uses, so Run shows what training learned. */
  async #adoptTrained(): Promise<void> {
    const w = await this.#api?.weights();
    // Stopped before the first step: nothing was learned, and the seeded weights are the graph's own.
    if (!w || w.step === 0) return;
    this.#editor.getState().setWeights({ name: `trained, ${w.step} steps`, origin: 'trained', tensors: new Map(Object.entries(w.tensors)), step: w.step, graphHash: w.graphHash });
  }

  pause(): void {
    if (!this.#api) return;
    this.#events.flush();
    this.#editor.getState().trainRequested('pausing');
    void this.#api.pause();
  }

  resume(): void {
    if (!this.#api) return;
    this.#events.flush();
    this.#editor.getState().trainRequested('training');
    void this.#api.resume();
  }

  stop(): void {
    if (!this.#api) return;
    this.#events.flush();
    this.#editor.getState().trainRequested('stopping');
    void this.#api.stop();
  }

  /** The loaded weights as a .safetensors file, with the graph hash and step in its metadata, as `modalflow train --out` writes. */
  weightsFile(): Uint8Array | null {
    const w = this.#editor.getState().weights;
    if (!w) return null;
    const meta: Record<string, string> = {};
    if (w.graphHash) meta['graph_hash'] = w.graphHash;
    if (w.step !== null) meta['step'] = String(w.step);
    return writeSafetensors(w.tensors as Map<string, Tensor>, meta);
  }

  /**
   * Reads a .safetensors file and checks it against the open graph (every weight present, with
   * its shape); on success the run panel compiles with it. Returns the problems otherwise.
   */
  loadWeights(name: string, bytes: Uint8Array, map?: WeightsMap): { ok: true; note: string | null } | { ok: false; problems: Problem[] } {
    const s = this.#editor.getState();
    try {
      const file = readSafetensors(bytes, { file: name });
      if (map) {
        // A checkpoint under its own names: renamed through the map, the rest seeded, as `--weights-map` does.
        const { weights, report } = mapCheckpoint(s.analysis, map, file.tensors);
        s.setWeights({ name, origin: 'file', tensors: weights, step: null, graphHash: null });
        const list = (items: string[]) => items.slice(0, 8).join(', ') + (items.length > 8 ? ` and ${items.length - 8} more` : '');
        const parts = [`${report.placed.size} of ${report.placed.size + report.seeded.length} weights from ${name}.`];
        if (report.unplaced.length) parts.push(`Not placed: ${list(report.unplaced.map((u) => u.key))}.`);
        if (report.seeded.length) parts.push(`Seeded: ${list(report.seeded)}.`);
        return { ok: true, note: parts.join(' ') };
      }
      checkWeights(s.analysis, file.tensors, name);
      const step = file.metadata['step'] !== undefined ? Number(file.metadata['step']) : null;
      const hash = file.metadata['graph_hash'] ?? null;
      s.setWeights({ name, origin: 'file', tensors: file.tensors, step: Number.isFinite(step) ? step : null, graphHash: hash });
      const note = hash && hash !== docHash(s.doc) ? 'These weights were trained on a different version of this graph; every weight fits its shape, so they are used.' : null;
      return { ok: true, note };
    } catch (e) {
      return { ok: false, problems: problemsOf(e) };
    }
  }

  /**
   * Makes a .safetensors file the initial weights of the next runs, carried by name as
   * `modalflow train --init` does, once it fits the open graph: at least one name shared, and
   * every shared name with the graph's shape. Returns what it would carry, or the problems,
   * each naming its weight.
   */
  chooseInit(name: string, bytes: Uint8Array): { ok: true; report: InitReport } | { ok: false; problems: Problem[] } {
    const s = this.#editor.getState();
    try {
      const source = readSafetensors(bytes, { file: name }).tensors;
      // Shapes only: the worker fills the seeded weights when Train starts, off this thread.
      const report = carryReport(s.analysis, source, name, 'initial weights');
      s.setTrainSettings({ init: { name, bytes }, fromLoaded: false });
      return { ok: true, report: { file: name, ...report } };
    } catch (e) {
      return { ok: false, problems: problemsOf(e) };
    }
  }

  /** Puts the similarity view's held-out pictures and captions into the run panel's inputs. */
  viewToRun(): boolean {
    const s = this.#editor.getState();
    const view = s.train.setup?.view;
    if (!view) return false;
    const inputs = graphInputs(s.analysis);
    const image = inputs.find((i) => i.kind === 'image');
    const text = inputs.find((i) => i.kind === 'text' && !i.labels);
    if (!image || !text) return false;
    const images: ImageItem[] = view.pictures.map((p, k) => ({ name: `picture ${k + 1}`, width: p.width, height: p.height, pixels: p.pixels, url: pictureUrl(p) }));
    s.setRunInput(image.name, { kind: 'image', images });
    s.setRunInput(text.name, { kind: 'text', text: view.captions.join('\n') });
    return true;
  }

  dispose(): void {
    this.#drop();
  }
}
