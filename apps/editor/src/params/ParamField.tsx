import { memo, useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { ParamSpec } from '@modalflow/core';
import { formatParam, parseParam } from './parse.ts';

export interface ParamFieldProps {
  name: string;
  spec: ParamSpec;
  value: unknown;
  onCommit: (value: unknown) => void;
  /** Prefix for test ids, so the same field can be found on the node and in the inspector. */
  testId?: string;
  inputId?: string;
}

function TextField({ name, spec, value, onCommit, testId, inputId }: ParamFieldProps) {
  const multiline = spec.kind === 'strings' || (spec.kind === 'string' && spec.multiline);
  const committed = formatParam(spec, value);
  const [draft, setDraft] = useState(committed);
  const [error, setError] = useState<string | null>(null);
  // Undo, redo and the other view of the same param change the value underneath the field.
  useEffect(() => {
    setDraft(committed);
    setError(null);
  }, [committed]);

  const commit = () => {
    if (draft === committed) return setError(null);
    const parsed = parseParam(spec, draft);
    if (!parsed.ok) return setError(`${name} ${parsed.message}`);
    setError(null);
    onCommit(parsed.value);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      setDraft(committed);
      setError(null);
      (e.target as HTMLElement).blur();
    } else if (e.key === 'Enter' && (!multiline || e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      commit();
    }
  };
  const common = {
    id: inputId,
    className: `mf-field__input${error ? ' is-invalid' : ''}`,
    value: draft,
    title: error ?? spec.description,
    'aria-invalid': !!error,
    'data-testid': testId,
    onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    onBlur: commit,
    onKeyDown,
  };
  const numeric = spec.kind === 'int' || spec.kind === 'float';
  return (
    <>
      {multiline ? (
        <textarea {...common} rows={Math.min(4, Math.max(2, draft.split('\n').length))} />
      ) : (
        <input
          {...common}
          type={numeric ? 'number' : 'text'}
          inputMode={numeric ? (spec.kind === 'int' ? 'numeric' : 'decimal') : undefined}
          step={spec.kind === 'int' ? 1 : spec.kind === 'float' ? 'any' : undefined}
          min={numeric ? spec.min : undefined}
          max={numeric ? spec.max : undefined}
          placeholder={spec.kind === 'ints' ? 'e.g. 1, 2, 3' : undefined}
        />
      )}
      {error && <span className="mf-field__error" role="alert">{error}</span>}
    </>
  );
}

function Control(props: ParamFieldProps) {
  const { spec, value, onCommit, testId, inputId } = props;
  if (spec.kind === 'bool') {
    const on = (value ?? spec.default) === true;
    return (
      <label className="mf-switch" title={spec.description}>
        <input id={inputId} type="checkbox" checked={on} data-testid={testId} onChange={(e) => onCommit(e.target.checked)} />
        <span className="mf-switch__track" aria-hidden />
      </label>
    );
  }
  if (spec.kind === 'choice') {
    return (
      <select
        id={inputId}
        className="mf-field__input"
        value={String(value ?? spec.default)}
        title={spec.description}
        data-testid={testId}
        onChange={(e) => onCommit(e.target.value)}
      >
        {spec.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  }
  return <TextField {...props} />;
}

function range(spec: ParamSpec): string | null {
  if ((spec.kind !== 'int' && spec.kind !== 'float') || (spec.min === undefined && spec.max === undefined)) return null;
  return `${spec.min ?? '−∞'} … ${spec.max ?? '∞'}`;
}

/** One param's widget, chosen from its spec's kind. */
export const ParamField = memo(function ParamField(props: ParamFieldProps) {
  const id = useId();
  const wide = props.spec.kind === 'strings' || (props.spec.kind === 'string' && props.spec.multiline);
  const r = range(props.spec);
  return (
    <div className={`mf-field mf-field--${props.spec.kind}${wide ? ' mf-field--wide' : ''}`} data-param={props.name}>
      <label className="mf-field__label" htmlFor={id} title={props.spec.description || props.name}>
        {props.name}
        {r && <span className="mf-field__range">{r}</span>}
      </label>
      <div className="mf-field__control">
        <Control {...props} inputId={id} />
      </div>
    </div>
  );
});
