import { memo, type CSSProperties } from 'react';
import { Handle, Position } from '@xyflow/react';
import { portKind, type AnyNodeDef, type PortSpec } from '@modalflow/core';
import type { PortView } from '../store/types.ts';
import { portKindColor } from './colors.ts';

function template(spec: PortSpec): string {
  return spec.shape ? spec.shape.join('×') || 'scalar' : 'any';
}

interface PortRowProps {
  nodeId: string;
  name: string;
  spec: PortSpec;
  view: PortView | undefined;
  side: 'in' | 'out';
  detail: boolean;
}

function PortRow({ nodeId, name, spec, view, side, detail }: PortRowProps) {
  const kind = portKind(spec);
  const shape = view?.shape;
  const title = `${name}: ${spec.dtypes.join(' | ')} [${spec.shape?.join(', ') ?? 'any rank'}]${spec.optional ? ' (optional)' : ''}${spec.description ? ` — ${spec.description}` : ''}${view?.problem ? `\n⚠ ${view.problem}` : ''}`;
  return (
    <div className={`mf-port mf-port--${side}${view?.problem ? ' has-problem' : ''}`} title={title}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={name}
        className={`mf-handle mf-handle--${kind}${spec.optional ? ' is-optional' : ''}`}
        style={{ '--kind': portKindColor(kind) } as CSSProperties}
        data-testid={`handle-${nodeId}-${side}-${name}`}
      />
      <span className="mf-port__name">
        {name}
        {spec.optional && <span className="mf-port__opt">?</span>}
      </span>
      {detail && <span className={`mf-port__shape${shape ? '' : ' is-template'}`}>{shape ?? template(spec)}</span>}
    </div>
  );
}

export interface NodePortsProps {
  id: string;
  def: AnyNodeDef;
  inputs: Readonly<Record<string, PortView>> | undefined;
  outputs: Readonly<Record<string, PortView>> | undefined;
  detail: boolean;
}

/** Handles come from the definition's ports: inputs on the left, outputs on the right. */
export const NodePorts = memo(function NodePorts({ id, def, inputs, outputs, detail }: NodePortsProps) {
  const ins = Object.entries(def.inputs);
  const outs = Object.entries(def.outputs);
  if (!ins.length && !outs.length) return null;
  return (
    <div className="mf-node__ports">
      <div className="mf-node__col">
        {ins.map(([name, spec]) => (
          <PortRow key={name} nodeId={id} name={name} spec={spec} view={inputs?.[name]} side="in" detail={detail} />
        ))}
      </div>
      <div className="mf-node__col mf-node__col--out">
        {outs.map(([name, spec]) => (
          <PortRow key={name} nodeId={id} name={name} spec={spec} view={outputs?.[name]} side="out" detail={detail} />
        ))}
      </div>
    </div>
  );
});
