import { memo, type CSSProperties } from 'react';
import { Handle, Position } from '@xyflow/react';
import { portKind, type AnyNodeDef, type PortSpec } from '@modalflow/core';
import type { PortView } from '../store/types.ts';
import { portKindColor } from './colors.ts';

function template(spec: PortSpec): string {
  return spec.shape ? spec.shape.join('×') || 'scalar' : 'any';
}

function describe(p: PortView): string {
  if (p.unknown) return `${p.name}: not a port of this node as analysed (load its assets, or fix the edge)`;
  const s = p.spec;
  const base = `${p.name}: ${s.dtypes.join(' | ')} [${s.shape?.join(', ') ?? 'any rank'}]${s.optional ? ' (optional)' : ''}`;
  return `${base}${s.description ? ` — ${s.description}` : ''}${p.problem ? `\n⚠ ${p.problem}` : ''}`;
}

function PortRow({ nodeId, port, side, detail }: { nodeId: string; port: PortView; side: 'in' | 'out'; detail: boolean }) {
  const cls = ['mf-port', `mf-port--${side}`, port.problem && 'has-problem', port.unknown && 'is-unknown'].filter(Boolean).join(' ');
  return (
    <div className={cls} title={detail ? describe(port) : undefined}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.name}
        className={`mf-handle mf-handle--${port.kind}${port.spec.optional ? ' is-optional' : ''}`}
        style={{ '--kind': portKindColor(port.kind) } as CSSProperties}
        data-testid={`handle-${nodeId}-${side}-${port.name}`}
      />
      {detail && (
        <span className="mf-port__name">
          {port.name}
          {port.spec.optional && !port.unknown && <span className="mf-port__opt">?</span>}
        </span>
      )}
      {detail && <span className={`mf-port__shape${port.shape ? '' : ' is-template'}`}>{port.unknown ? 'unknown port' : (port.shape ?? template(port.spec))}</span>}
    </div>
  );
}

/** The definition's ports as views, for a node the analysis has not seen yet. */
export function declaredPorts(def: AnyNodeDef): { inputs: PortView[]; outputs: PortView[] } {
  const view = (name: string, spec: PortSpec): PortView => ({ name, spec, shape: null, dtype: null, kind: portKind(spec), problem: null });
  return {
    inputs: Object.entries(def.inputs).map(([n, s]) => view(n, s)),
    outputs: Object.entries(def.outputs).map(([n, s]) => view(n, s)),
  };
}

export interface NodePortsProps {
  id: string;
  inputs: readonly PortView[];
  outputs: readonly PortView[];
  detail: boolean;
}

/** Handles come from the node's ports as analysed: inputs on the left, outputs on the right. */
export const NodePorts = memo(function NodePorts({ id, inputs, outputs, detail }: NodePortsProps) {
  if (!inputs.length && !outputs.length) return null;
  return (
    <div className="mf-node__ports">
      <div className="mf-node__col">
        {inputs.map((p) => (
          <PortRow key={p.name} nodeId={id} port={p} side="in" detail={detail} />
        ))}
      </div>
      <div className="mf-node__col mf-node__col--out">
        {outputs.map((p) => (
          <PortRow key={p.name} nodeId={id} port={p} side="out" detail={detail} />
        ))}
      </div>
    </div>
  );
});
