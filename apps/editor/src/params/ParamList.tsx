import { memo } from 'react';
import type { AnyNodeDef, ParamSpecs } from '@modalflow/core';
import { ParamField } from './ParamField.tsx';

export interface ParamListProps {
  def: AnyNodeDef;
  params: Record<string, unknown>;
  onChange: (name: string, value: unknown) => void;
  testIdPrefix?: string;
}

/** Every param of a node type, in declaration order, each with the widget its spec calls for. */
export const ParamList = memo(function ParamList({ def, params, onChange, testIdPrefix }: ParamListProps) {
  const specs = Object.entries(def.params as ParamSpecs);
  if (!specs.length) return null;
  return (
    <div className="mf-params">
      {specs.map(([name, spec]) => (
        <ParamField
          key={name}
          name={name}
          spec={spec}
          value={params[name] ?? spec.default}
          onCommit={(v) => onChange(name, v)}
          testId={testIdPrefix ? `${testIdPrefix}-${name}` : undefined}
        />
      ))}
    </div>
  );
});
