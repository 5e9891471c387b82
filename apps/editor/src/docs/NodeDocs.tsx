import { memo } from 'react';
import type { AnyNodeDef } from '@modalflow/core';
import { DocText } from './DocText.tsx';
import { Formula } from './Formula.tsx';

/** A node type's documentation: its Markdown doc, formula and source. */
export const NodeDocs = memo(function NodeDocs({ def, brief }: { def: AnyNodeDef; brief?: boolean }) {
  return (
    <div className="mf-node-docs">
      {def.formula && <Formula tex={def.formula} />}
      {def.doc ? <DocText text={brief ? def.doc.trim().split(/\n\s*\n/)[0]! : def.doc} /> : <p className="mf-muted">No documentation.</p>}
      {def.source && !brief && (
        <p className="mf-node-docs__source">
          <span className="mf-muted">Source:</span> {def.source}
        </p>
      )}
    </div>
  );
});
