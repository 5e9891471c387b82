import { useRef, useState, type ChangeEvent } from 'react';
import { useEditor, useEditorApi, useUiApi } from '../app/context.tsx';
import { digest, folderFromFiles, hasDirectoryPicker, pickFolder, type PickedFolder } from '../documents/folders.ts';
import { bindFolder, folderVariants } from '../documents/modelFolder.ts';

/**
 * Binds a Hugging Face Optimum / transformers.js model folder to the graph's assets by their
 * place in the layout, as the command line's --model-dir does; a folder with other precisions of
 * the models (onnx/<name>_quantized.onnx, …) offers them in a selector.
 */
export function ModelFolder() {
  const doc = useEditor((s) => s.doc);
  const editor = useEditorApi();
  const ui = useUiApi();
  const input = useRef<HTMLInputElement>(null);
  const [folder, setFolder] = useState<PickedFolder | null>(null);
  const [variant, setVariant] = useState('');
  const [busy, setBusy] = useState(false);
  const variants = folder ? folderVariants(doc, folder.paths) : [];

  const bind = async (f: PickedFolder, v: string) => {
    const { bound, missing } = bindFolder(doc, f.paths, v || undefined);
    setBusy(true);
    ui.getState().set({ busy: `Reading ${f.name}…` });
    try {
      const entries = await Promise.all(
        bound.map(async ({ asset, path }) => {
          const bytes = await f.read(path);
          const sha256 = await digest(bytes);
          return { asset, file: path, bytes, checkHash: !v, ...(sha256 ? { sha256 } : {}) };
        }),
      );
      const { loaded, problems } = editor.getState().bindAssets(entries);
      const absent = missing.map(({ asset, path }) => ({ code: 'MF_ASSET_NOT_LOADED', message: `asset "${asset}": the folder has no ${path}`, at: { file: `${f.name}/${path}` } }));
      if (loaded.length) ui.getState().notify({ kind: 'success', title: `Bound ${loaded.length} file${loaded.length === 1 ? '' : 's'} from ${f.name}`, detail: bound.map((b) => b.path).join(', ') });
      if (problems.length || absent.length) ui.getState().set({ report: { title: `Some assets were not found in ${f.name}`, problems: [...problems, ...absent] } });
    } catch (e) {
      ui.getState().notify({ kind: 'error', title: `Could not read ${f.name}`, detail: (e as Error).message });
    } finally {
      setBusy(false);
      ui.getState().set({ busy: null });
    }
  };

  const use = (f: PickedFolder | null) => {
    if (!f) return;
    // Without the full-precision files, start from a precision the folder has.
    const all = folderVariants(doc, f.paths);
    const start = bindFolder(doc, f.paths).missing.length && all.length ? all[0]! : '';
    setFolder(f);
    setVariant(start);
    void bind(f, start);
  };

  const choose = async () => {
    if (!hasDirectoryPicker()) return input.current?.click();
    try {
      use(await pickFolder(doc));
    } catch (e) {
      ui.getState().notify({ kind: 'error', title: 'Could not open the folder', detail: (e as Error).message });
    }
  };

  const onFiles = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    use(folderFromFiles(files));
  };

  return (
    <div className="mf-model-folder">
      <button type="button" className="mf-button mf-button--quiet" onClick={() => void choose()} disabled={busy} data-testid="btn-model-folder" title="Bind onnx/*.onnx, tokenizer.json and preprocessor_config.json from a model folder by their place in it">
        Choose model folder…
      </button>
      {folder && (
        <div className="mf-model-folder__info">
          <span className="mf-mono" title={folder.paths.join('\n')}>
            {folder.name}
          </span>
          {variants.length > 0 && (
            <label>
              <span className="mf-muted">precision</span>
              <select
                className="mf-field__input"
                value={variant}
                disabled={busy}
                onChange={(e) => {
                  setVariant(e.target.value);
                  void bind(folder, e.target.value);
                }}
                data-testid="model-variant"
              >
                <option value="">default</option>
                {variants.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
      <input
        ref={input}
        type="file"
        hidden
        multiple
        onChange={onFiles}
        data-testid="model-folder-input"
        {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
      />
    </div>
  );
}
