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

  it('falls back to the default for each value that does not fit', () => {
    expect(readTrainSettings('not json')).toBeNull();
    expect(readTrainSettings(null)).toBeNull();
    const read = readTrainSettings(JSON.stringify({ lr: 'fast', steps: 40, optimizer: 'lion', schedule: 'cosine', data: { kind: 'world', count: 'many' }, fromLoaded: true }));
    expect(read).toEqual({ ...DEFAULT_SETTINGS, steps: 40, schedule: 'cosine', fromLoaded: true });
  });
});
