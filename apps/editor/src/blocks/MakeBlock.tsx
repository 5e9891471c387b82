import { useState } from 'react';
import { useEditorApi, useUiApi } from '../app/context.tsx';

/** Collapses the selection into a new block; wires crossing the selection become its ports. */
export function MakeBlock() {
  const api = useEditorApi();
  const ui = useUiApi();
  const [name, setName] = useState('');
  const make = () => {
    const made = api.getState().makeBlock(name.trim() || undefined);
    if (typeof made === 'string') setName('');
    else ui.getState().notify({ kind: 'info', title: 'No block made', detail: made.refused });
  };
  return (
    <section className="mf-section mf-section--row">
      <input
        className="mf-field__input"
        placeholder="block name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Enter') make();
        }}
        aria-label="Block name"
        data-testid="make-block-name"
      />
      <button type="button" className="mf-button" onClick={make} data-testid="btn-make-block">
        Make block
      </button>
    </section>
  );
}
