import { useState } from 'react';
import { useEditor, useEditorApi } from '../app/context.tsx';

const EXPOSABLE = new Set(['int', 'float', 'bool', 'choice', 'string']);

/**
 * For a node inside an open block: which params the block computes from its own params
 * (editable expressions such as `dim * 4`), and a way to expose another one to instances.
 */
export function InnerParams({ id }: { id: string }) {
  const api = useEditorApi();
  const scope = useEditor((s) => s.scope);
  const node = useEditor((s) => (s.scope ? s.doc.blocks?.[s.scope]?.nodes.find((n) => n.id === id) : undefined));
  const def = useEditor((s) => (node ? s.types.get(node.type) : undefined));
  const [pick, setPick] = useState('');
  if (!scope || !node || !def) return null;
  const bind = node.bind ?? {};
  const free = Object.entries(def.params as Record<string, { kind: string }>).filter(([p, spec]) => EXPOSABLE.has(spec.kind) && !(p in bind)).map(([p]) => p);
  const chosen = pick && free.includes(pick) ? pick : free[0];
  return (
    <section className="mf-section" data-testid={`inner-params-${id}`}>
      <h3>From the block’s params</h3>
      {Object.entries(bind).map(([param, expr]) => (
        <div key={`${param}:${expr}`} className="mf-section--row">
          <label className="mf-field__label mf-mono" htmlFor={`mf-bind-${param}`}>
            {param} =
          </label>
          <input
            id={`mf-bind-${param}`}
            className="mf-field__input mf-mono"
            defaultValue={expr}
            onBlur={(e) => api.getState().setBind(id, param, e.target.value.trim() || null)}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
            }}
            data-testid={`bind-${id}-${param}`}
          />
        </div>
      ))}
      {chosen && (
        <div className="mf-section--row">
          <select className="mf-field__input" value={chosen} onChange={(e) => setPick(e.target.value)} data-testid={`expose-select-${id}`}>
            {free.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <button type="button" className="mf-button" onClick={() => api.getState().exposeParam(id, chosen)} data-testid={`btn-expose-${id}`}>
            Expose to instances
          </button>
        </div>
      )}
    </section>
  );
}
