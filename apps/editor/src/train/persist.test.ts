import { describe, expect, it } from 'vitest';
import { chainDoc, fixtureRegistry } from '../test/fixtures.ts';
import { createEditorStore } from '../store/createEditorStore.ts';
import { LESSONS } from './lessons.ts';
import { TRAIN_SETTINGS_KEY, attachTrainSettingsStorage, readTrainSettings } from './persist.ts';
import { DEFAULT_SETTINGS, DEFAULT_WORLD } from './settings.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('train settings across reloads', () => {
  it('stores every change and restores it into a new store, without objective choices or manifest files', () => {
    const storage = memoryStorage();
    const first = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    attachTrainSettingsStorage(first, storage);
    const lesson = LESSONS[0]!.settings;
    first.getState().applyTrainSettings(lesson);
    first.getState().setObjective('loss', { on: false, weight: 2 });
    const second = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    attachTrainSettingsStorage(second, storage);
    expect(second.getState().train.settings).toEqual({ ...lesson, objectives: {} });

    first.getState().setTrainData({ kind: 'manifest', name: 'rows.jsonl', format: 'jsonl', text: '{}', files: { 'a.png': new Uint8Array(3) }, heldOutFraction: 0.2 });
    expect(JSON.parse(storage.items.get(TRAIN_SETTINGS_KEY)!).data).toEqual(DEFAULT_WORLD);
  });

  it('keeps a lesson\'s initial weights by path, and forgets a chosen file\'s bytes', () => {
    const storage = memoryStorage();
    const store = createEditorStore({ registry: fixtureRegistry(), doc: chainDoc() });
    attachTrainSettingsStorage(store, storage);
    const probe = LESSONS.find((l) => l.id === 'linear-probe')!.settings;
    store.getState().applyTrainSettings(probe);
    expect(readTrainSettings(storage.items.get(TRAIN_SETTINGS_KEY)!)).toMatchObject({ init: { name: 'clip.safetensors', lesson: 'examples/linear-probe/clip.safetensors' }, shots: 5 });
    store.getState().setTrainSettings({ init: { name: 'mine.safetensors', bytes: new Uint8Array(8) } });
    expect(readTrainSettings(storage.items.get(TRAIN_SETTINGS_KEY)!)!.init).toBeNull();
    // Only a path of the shape lessons use is read back: nothing stored can point the page elsewhere.
    expect(readTrainSettings(JSON.stringify({ init: { name: 'x', lesson: 'https://example.com/x.safetensors' } }))!.init).toBeNull();
  });

  it('falls back to the default for each value that does not fit', () => {
    expect(readTrainSettings('not json')).toBeNull();
    expect(readTrainSettings(null)).toBeNull();
    const read = readTrainSettings(JSON.stringify({ lr: 'fast', steps: 40, optimizer: 'lion', schedule: 'cosine', data: { kind: 'world', count: 'many' }, fromLoaded: true }));
    expect(read).toEqual({ ...DEFAULT_SETTINGS, steps: 40, schedule: 'cosine', fromLoaded: true });
  });
});
