import { useMemo, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { placeableTypes } from '../blocks/blockView.ts';
import { useEditorApi, useRegistry, useUi, useUiApi } from '../app/context.tsx';
import { searchTypes } from '../palette/search.ts';
import { categoryColor } from './colors.ts';
import { spotForNewNode } from './placeNode.ts';
import { noticeReplaced } from './replacedNotice.ts';

/**
 * The add-node search box. Opened by double-clicking the canvas it lists every type; opened by
 * dropping a wire it lists only types with a port that can take that wire, and wires the choice.
 */
export function NodePicker() {
  const picker = useUi((s) => s.picker);
  if (!picker) return null;
  return <PickerBox key={`${picker.screen.x},${picker.screen.y}`} />;
}

function PickerBox() {
  const picker = useUi((s) => s.picker)!;
  const ui = useUiApi();
  const editor = useEditorApi();
  const registry = useRegistry();
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const items = useMemo(
    () => picker.matches ?? placeableTypes(registry).map((def) => ({ def, port: '' })),
    [picker.matches, registry],
  );
  const results = useMemo(() => searchTypes(items, query).slice(0, 60), [items, query]);
  const close = () => ui.getState().set({ picker: null });

  const choose = (i: number) => {
    const item = results[i];
    if (!item) return;
    close();
    const s = editor.getState();
    // Where the user pointed, or the nearest free space in view from there.
    const at = spotForNewNode(s, registry, item.def.type, flow, picker.flow);
    if (picker.link) {
      const { result } = s.addAndConnect(item.def.type, at, picker.link, item.port);
      if (!result.ok) ui.getState().notify({ kind: 'error', title: 'Added, but not connected', code: result.code, detail: result.message });
      else noticeReplaced(result, editor, ui);
    } else {
      s.addNode(item.def.type, at);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') close();
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(results.length - 1, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Enter') choose(active);
    else return;
    e.preventDefault();
  };

  const left = Math.min(picker.screen.x, window.innerWidth - 340);
  const top = Math.min(picker.screen.y, window.innerHeight - 380);
  return (
    <>
      <div className="mf-picker-scrim" onMouseDown={close} />
      <div className="mf-picker" style={{ left, top }} data-testid="node-picker" role="dialog" aria-label="Add node">
        <input
          autoFocus
          className="mf-picker__input"
          placeholder={picker.link ? `Nodes that accept ${picker.link.node}.${picker.link.port}…` : 'Add node…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          data-testid="node-picker-input"
        />
        <ul className="mf-picker__list" role="listbox">
          {results.map((item, i) => (
            <li
              key={item.def.type}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'is-active' : undefined}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
              data-testid={`picker-item-${item.def.type}`}
            >
              <span className="mf-dot" style={{ background: categoryColor(item.def.category) }} />
              <span className="mf-picker__title">{item.def.title}</span>
              {item.port && <span className="mf-picker__port">→ {item.port}</span>}
              <span className="mf-picker__type">{item.def.type}</span>
            </li>
          ))}
          {!results.length && <li className="mf-picker__empty">No matching node types</li>}
        </ul>
      </div>
    </>
  );
}
