import { useState, type ChangeEvent } from 'react';
import { useEditor, useEditorApi, useTrainer, useUiApi } from '../app/context.tsx';
import { downloadBlob, fileNameFor } from '../documents/files.ts';
import { bundledWeightsMaps } from './weights-maps.ts';

const MAPS = bundledWeightsMaps();

/**
 * Which weights the run panel compiles with (the graph's seeded ones, the last training run's,
 * or a loaded file), with Save and Load: shown in both the train and the run panel.
 */
export function WeightsControls({ testPrefix, save = true }: { testPrefix: string; save?: boolean }) {
  const weights = useEditor((s) => s.weights);
  const fileName = useEditor((s) => s.fileName);
  const doc = useEditor((s) => s.doc);
  const editor = useEditorApi();
  const ui = useUiApi();
  const trainer = useTrainer();
  const [mapId, setMapId] = useState('');

  const onSave = () => {
    const bytes = trainer?.weightsFile();
    if (!bytes) return;
    const base = fileNameFor(doc, fileName).replace(/\.json$/i, '');
    const name = `${base}${weights?.step ? `-step${weights.step}` : ''}.safetensors`;
    downloadBlob(name, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    ui.getState().notify({ kind: 'success', title: `Saved ${name}`, detail: `${weights?.tensors.size ?? 0} weights` });
  };

  const onLoad = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file || !trainer) return;
    const map = MAPS.find((m) => m.id === mapId)?.map;
    const result = trainer.loadWeights(file.name, new Uint8Array(await file.arrayBuffer()), map);
    if (result.ok) ui.getState().notify({ kind: 'success', title: `Loaded ${file.name}`, detail: result.note ?? 'Run uses these weights now.' });
    else ui.getState().set({ report: { title: `${file.name} does not fit this graph`, problems: result.problems } });
  };

  return (
    <span className="mf-weights" data-testid={`${testPrefix}-weights`} data-origin={weights?.origin ?? 'seeded'}>
      <span className={`mf-chip-status${weights ? ' is-ok' : ''}`} title={weights ? `${weights.tensors.size} weights${weights.graphHash ? ` · graph ${weights.graphHash.slice(0, 12)}` : ''}` : 'The weights the graph generates from its seed'}>
        weights: {weights ? weights.name : 'seeded'}
      </span>
      {weights && (
        <button type="button" className="mf-icon-btn" aria-label="Use the seeded weights again" title="Use the seeded weights again" onClick={() => editor.getState().setWeights(null)} data-testid={`${testPrefix}-weights-clear`}>
          ×
        </button>
      )}
      {save && (
        <button type="button" className="mf-button mf-button--quiet" onClick={onSave} disabled={!weights} data-testid={`${testPrefix}-save-weights`} title="Download these weights as .safetensors">
          Save weights
        </button>
      )}
      <select
        className="mf-field__input"
        value={mapId}
        onChange={(e) => setMapId(e.target.value)}
        title="Names of the file to load: this graph's own, or a published checkpoint's through a checkpoint map"
        aria-label="Checkpoint map for loaded weights"
        data-testid={`${testPrefix}-weights-map`}
      >
        <option value="">graph names</option>
        {MAPS.map((m) => (
          <option key={m.id} value={m.id}>
            map: {m.id}
          </option>
        ))}
      </select>
      <label className="mf-button mf-button--quiet" title="Load weights from a .safetensors file (from this panel or modalflow train --out)">
        Load weights…
        <input type="file" accept=".safetensors" hidden onChange={(e) => void onLoad(e)} data-testid={`${testPrefix}-load-weights`} />
      </label>
    </span>
  );
}
