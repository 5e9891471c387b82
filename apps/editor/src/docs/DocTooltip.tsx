import { useRegistry, useUi } from '../app/context.tsx';
import { categoryColor } from '../canvas/colors.ts';
import { NodeDocs } from './NodeDocs.tsx';
import { entryFor } from '../palette/presets.ts';

/** One tooltip for the whole canvas, so nodes don't each carry a hidden copy of their docs. */
export function DocTooltip() {
  const tip = useUi((s) => s.tooltip);
  const def = entryFor(useRegistry(), tip?.type ?? '');
  if (!tip || !def) return null;
  const left = Math.min(tip.x, window.innerWidth - 380);
  const top = Math.min(tip.y, window.innerHeight - 260);
  return (
    <div className="mf-tooltip" style={{ left, top }} role="tooltip" data-testid="doc-tooltip">
      <div className="mf-tooltip__title">
        <span className="mf-dot" style={{ background: categoryColor(def.category) }} />
        {def.title} <span className="mf-muted mf-mono">{def.type}</span>
      </div>
      <NodeDocs def={def} brief />
    </div>
  );
}
