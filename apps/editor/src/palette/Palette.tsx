import { memo, useMemo, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { CATEGORIES, type AnyNodeDef, type Category } from '@modalflow/core';
import { useEditorApi, useRegistry, useUiApi } from '../app/context.tsx';
import { categoryColor, categoryLabel } from '../canvas/colors.ts';
import { spotForNewNode } from '../canvas/placeNode.ts';
import { summary } from '../docs/DocText.tsx';
import { NODE_MIME } from './dnd.ts';
import { searchTypes } from './search.ts';
import { placeableTypes } from '../blocks/blockView.ts';
import { ImportLibrary } from '../blocks/ImportLibrary.tsx';

const PaletteItem = memo(function PaletteItem({ def, onAdd }: { def: AnyNodeDef; onAdd: (type: string) => void }) {
  const ui = useUiApi();
  return (
    <li>
      <button
        type="button"
        className="mf-palette__item"
        draggable
        onDragStart={(e) => {
          e.dataTransfer.setData(NODE_MIME, def.type);
          e.dataTransfer.effectAllowed = 'copy';
          ui.getState().set({ tooltip: null });
        }}
        onClick={() => onAdd(def.type)}
        onMouseEnter={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          ui.getState().set({ tooltip: { type: def.type, x: r.right + 10, y: r.top } });
        }}
        onMouseLeave={() => ui.getState().set({ tooltip: null })}
        data-testid={`palette-item-${def.type}`}
        aria-label={`${def.title}: ${summary(def.doc)}`}
      >
        <span className="mf-palette__bar" style={{ background: categoryColor(def.category) }} />
        <span className="mf-palette__text">
          <span className="mf-palette__title">{def.title}</span>
          <span className="mf-palette__type">{def.type}</span>
        </span>
      </button>
    </li>
  );
});

/** Every registered node type by category, with search; drag one onto the canvas, or click to add it in view. */
export function Palette() {
  const registry = useRegistry();
  const editor = useEditorApi();
  const ui = useUiApi();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [closed, setClosed] = useState<ReadonlySet<Category>>(new Set());
  const all = useMemo(() => placeableTypes(registry).map((def) => ({ def })), [registry]);
  const found = useMemo(() => searchTypes(all, query).map((i) => i.def), [all, query]);
  const groups = useMemo(() => {
    const by = new Map<Category, AnyNodeDef[]>();
    for (const def of found) by.set(def.category, [...(by.get(def.category) ?? []), def]);
    // Core's order first; a category core does not list yet still gets its group, at the end.
    const order = [...CATEGORIES, ...[...by.keys()].filter((c) => !CATEGORIES.includes(c))];
    return order.flatMap((c) => (by.has(c) ? [[c, by.get(c)!] as const] : []));
  }, [found]);

  // A clicked type lands in the free space nearest the view's centre.
  const onAdd = (type: string) => {
    const s = editor.getState();
    s.addNode(type, spotForNewNode(s, registry, type, flow));
  };

  const toggle = (c: Category) =>
    setClosed((s) => {
      const next = new Set(s);
      if (next.has(c)) next.delete(c);
      else next.add(c);
      return next;
    });

  return (
    <nav className="mf-palette" aria-label="Node palette" data-testid="palette">
      <div className="mf-palette__search">
        <input
          type="search"
          placeholder={`Search ${all.length} nodes…`}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()}
          data-testid="palette-search"
        />
      </div>
      <ImportLibrary />
      <div className="mf-palette__groups">
        {groups.map(([category, defs]) => {
          const open = query !== '' || !closed.has(category);
          return (
            <section key={category} className="mf-palette__group" data-testid={`palette-group-${category}`}>
              <button type="button" className="mf-palette__heading" onClick={() => toggle(category)} aria-expanded={open}>
                <span className="mf-dot" style={{ background: categoryColor(category) }} />
                {categoryLabel(category)}
                <span className="mf-palette__count">{defs.length}</span>
                <span className="mf-palette__chevron">{open ? '▾' : '▸'}</span>
              </button>
              {open && (
                <ul>
                  {defs.map((def) => (
                    <PaletteItem key={def.type} def={def} onAdd={onAdd} />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {!groups.length && <p className="mf-muted mf-palette__empty">No node matches “{query}”.</p>}
      </div>
    </nav>
  );
}
