import { useRef, type ChangeEvent } from 'react';
import { useEditor, useEditorApi, useUiApi } from '../app/context.tsx';
import { formatCount } from '../graph/format.ts';
import { ModelFolder } from './ModelFolder.tsx';

/**
 * The files the document names under `assets`. Nodes whose ports come from a file (an imported
 * ONNX model) are checked once it is loaded here; the bytes stay in this tab, never in the graph.
 */
export function AssetList() {
  const listed = useEditor((s) => s.doc.assets);
  const loaded = useEditor((s) => s.assets);
  const editor = useEditorApi();
  const ui = useUiApi();
  const input = useRef<HTMLInputElement>(null);
  if (!listed || !Object.keys(listed).length) return null;

  const onFiles = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    const { loaded: names, problems } = editor.getState().loadAssetFiles(read);
    if (names.length) ui.getState().notify({ kind: 'success', title: `Loaded ${names.join(', ')}` });
    if (problems.length) ui.getState().set({ report: { title: 'Some files were not loaded', problems } });
  };

  return (
    <section className="mf-section" data-testid="asset-list">
      <h3>Assets</h3>
      <ul className="mf-assets">
        {Object.entries(listed).map(([name, ref]) => {
          const a = loaded.get(name);
          return (
            <li key={name} className={a ? 'is-loaded' : undefined}>
              <span className="mf-assets__name">{name}</span>
              <span className="mf-assets__uri mf-mono" title={ref.sha256 ? `sha256 ${ref.sha256}` : undefined}>
                {ref.uri}
              </span>
              <span className="mf-assets__state">{a ? `✓ ${formatCount(a.bytes.length)}B` : 'not loaded'}</span>
            </li>
          );
        })}
      </ul>
      <div className="mf-assets__actions">
        <button type="button" className="mf-button mf-button--quiet" onClick={() => input.current?.click()}>
          Load asset files…
        </button>
        <ModelFolder />
      </div>
      <input ref={input} type="file" multiple hidden onChange={onFiles} data-testid="asset-input" />
    </section>
  );
}
