import type { StoreApi } from 'zustand';
import type { EditorState } from '../store/types.ts';
import { DEFAULT_SETTINGS, DEFAULT_WORLD, type TrainSettings } from './settings.ts';
import { QUESTION_KINDS, type QuestionKind } from '@modalflow/world';

export const TRAIN_SETTINGS_KEY = 'modalflow.editor.train';

/** The path a lesson's initial weights have: only such a path is read back as one. */
const LESSON_WEIGHTS = /^examples\/[\w.-]+\/[\w.-]+\.safetensors$/;

/**
 * The settings as stored: everything but a manifest's files, which can be megabytes of pictures
 * and are chosen again after a reload (the teaching world takes their place until then).
 */
export function storableSettings(s: TrainSettings): TrainSettings {
  const out = s.data.kind === 'manifest' ? { ...s, data: DEFAULT_WORLD } : s;
  // A lesson's file is fetched again by its path; a chosen file's bytes are not kept.
  return out.init && !out.init.lesson ? { ...out, init: null } : out;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Settings read back from storage, each field checked against its default's type: a value that
 * does not fit (an older or hand-edited entry) falls back to the default instead of breaking the panel.
 */
export function readTrainSettings(text: string | null): TrainSettings | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [k, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const v = r[k];
    if (k === 'data' || k === 'objectives' || k === 'init') continue;
    if (typeof fallback === 'number' ? isNumber(v) : typeof v === typeof fallback) out[k] = v;
  }
  if (!['adamw', 'sgd'].includes(out['optimizer'] as string)) out['optimizer'] = DEFAULT_SETTINGS.optimizer;
  if (!['none', 'cosine'].includes(out['schedule'] as string)) out['schedule'] = DEFAULT_SETTINGS.schedule;
  if (!['auto', 'webgpu', 'wasm'].includes(out['provider'] as string)) out['provider'] = DEFAULT_SETTINGS.provider;
  const d = r['data'] as Record<string, unknown> | undefined;
  if (d && d['kind'] === 'world' && isNumber(d['count']) && isNumber(d['seed']) && Array.isArray(d['heldOut']) && d['heldOut'].every((x) => typeof x === 'string')) {
    const questions = Array.isArray(d['questions']) && d['questions'].every((x) => (QUESTION_KINDS as readonly unknown[]).includes(x)) ? { questions: d['questions'] as QuestionKind[] } : {};
    out['data'] = { kind: 'world', count: d['count'], seed: d['seed'], heldOut: d['heldOut'] as string[], ...questions };
  }
  const init = r['init'] as Record<string, unknown> | null | undefined;
  if (init && typeof init['name'] === 'string' && typeof init['lesson'] === 'string' && LESSON_WEIGHTS.test(init['lesson'])) out['init'] = { name: init['name'], lesson: init['lesson'] };
  // Objective choices name nodes of one graph; the next page may open another, so they are not kept.
  out['objectives'] = {};
  return out as unknown as TrainSettings;
}

/** Keeps the train panel's settings across reloads, as autosave keeps the document. */
export function attachTrainSettingsStorage(store: StoreApi<EditorState>, storage: Pick<Storage, 'getItem' | 'setItem'>): () => void {
  const saved = readTrainSettings(storage.getItem(TRAIN_SETTINGS_KEY));
  if (saved) store.getState().applyTrainSettings(saved);
  return store.subscribe((s, prev) => {
    if (s.train.settings === prev.train.settings) return;
    try {
      storage.setItem(TRAIN_SETTINGS_KEY, JSON.stringify(storableSettings(s.train.settings)));
    } catch {
      // Full or blocked storage costs only the convenience of keeping settings; the document's autosave reports it.
    }
  });
}
