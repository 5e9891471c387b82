import { serializeBlockLibrary, type BlockDoc } from '@modalflow/core';
import { useEditor, useEditorApi, useUiApi } from '../app/context.tsx';
import { downloadBlob } from '../documents/files.ts';
import { blocksUsed } from './blocksUsed.ts';

/** What an instance offers: open its block to edit the inside, or save the block as a library file. */
export function BlockActions({ id, name }: { id: string; name: string }) {
  const api = useEditorApi();
  const ui = useUiApi();
  const defined = useEditor((s) => !!s.doc.blocks?.[name]);
  const shared = useEditor((s) => !!s.doc.blocks?.[name]?.shared);
  const save = () => {
    const blocks = api.getState().doc.blocks ?? {};
    const used = blocksUsed(blocks, name);
    const file = `${name}.blocks.json`;
    downloadBlob(file, new Blob([serializeBlockLibrary(Object.fromEntries(used.map((b) => [b, blocks[b] as BlockDoc])))], { type: 'application/json' }));
    ui.getState().notify({ kind: 'success', title: `Downloaded ${file}`, detail: `Load it into another graph with “Import blocks”.` });
  };
  const toggleShared = () => {
    const s = api.getState();
    const block = s.doc.blocks?.[name];
    if (block) s.replaceBlock(name, { ...block, shared: !block.shared });
  };
  if (!defined) return <p className="mf-muted">Block “{name}” comes from a library file; edit it there.</p>;
  return (
    <section className="mf-section mf-section--row">
      <button type="button" className="mf-button" onClick={() => api.getState().openBlock(name)} data-testid={`btn-open-block-${id}`}>
        Open block
      </button>
      <button type="button" className="mf-button" onClick={save} data-testid={`btn-save-block-${id}`}>
        Save to library
      </button>
      <label className="mf-muted">
        <input type="checkbox" checked={shared} onChange={toggleShared} data-testid={`block-shared-${id}`} /> shared weights
      </label>
    </section>
  );
}
