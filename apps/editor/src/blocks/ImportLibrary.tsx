import type { ChangeEvent } from 'react';
import { isModalflowError, parseBlockLibrary } from '@modalflow/core';
import { useEditorApi, useUiApi } from '../app/context.tsx';

/** Loads a block library file into the document, which then pins it by name and SHA-256. */
export function ImportLibrary() {
  const api = useEditorApi();
  const ui = useUiApi();
  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const text = await file.text();
    try {
      const lib = parseBlockLibrary(text, file.name);
      api.getState().importLibrary(file.name, text);
      ui.getState().notify({ kind: 'success', title: `Blocks from ${file.name}`, detail: Object.keys(lib.blocks).join(', ') });
    } catch (err) {
      if (!isModalflowError(err)) throw err;
      ui.getState().set({ report: { title: `Could not import ${file.name}`, problems: err.problems } });
    }
  };
  return (
    <label className="mf-palette__import" title="Add the blocks of a library file to this graph">
      Import blocks…
      <input type="file" accept=".json,application/json" hidden onChange={(e) => void onFile(e)} data-testid="import-blocks-input" />
    </label>
  );
}
