import { useState } from 'react';
import type { Bar } from './probabilities.ts';
import { formatValue } from './stats.ts';

/** Values read as probabilities when every shown one lies in [0, 1]; otherwise as scores. */
function asProbabilities(rows: Bar[][]): boolean {
  return rows.every((r) => r.every((b) => b.value >= 0 && b.value <= 1));
}

export function BarList({ bars, probabilities }: { bars: Bar[]; probabilities: boolean }) {
  const values = bars.map((b) => b.value);
  const lo = probabilities ? 0 : Math.min(0, ...values);
  const hi = probabilities ? 1 : Math.max(...values);
  return (
    <ol className="mf-bars">
      {bars.map((b, i) => {
        const width = hi > lo ? ((b.value - lo) / (hi - lo)) * 100 : 0;
        return (
          <li key={i} className="mf-bar" data-testid="bar" title={`class ${b.index}: ${b.value}`}>
            <span className="mf-bar__label">{b.label}</span>
            <span className="mf-bar__track">
              <span className="mf-bar__fill" style={{ width: `${Math.max(0, Math.min(100, width))}%` }} />
            </span>
            <span className="mf-bar__value">{probabilities ? `${(b.value * 100).toFixed(b.value >= 0.1 ? 1 : 2)}%` : formatValue(b.value)}</span>
          </li>
        );
      })}
    </ol>
  );
}

/** Which example of a batch a view shows. */
export function RowPicker({ count, value, onChange, labels }: { count: number; value: number; onChange: (i: number) => void; labels?: readonly string[] }) {
  if (count <= 1) return null;
  return (
    <select className="mf-field__input mf-result__select" value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label="Example">
      {Array.from({ length: count }, (_, i) => (
        <option key={i} value={i}>
          {labels?.[i] ? `${i + 1}: ${labels[i]}` : `example ${i + 1}`}
        </option>
      ))}
    </select>
  );
}

export function ProbabilityCard({ title, subtitle, rows, testId, rowLabels }: { title: string; subtitle: string; rows: Bar[][]; testId: string; rowLabels?: readonly string[] }) {
  const [row, setRow] = useState(0);
  const r = Math.min(row, rows.length - 1);
  const probabilities = asProbabilities(rows);
  return (
    <section className="mf-result" data-testid={testId}>
      <header className="mf-result__head">
        <div>
          <h4>{title}</h4>
          <span className="mf-muted">{subtitle}</span>
        </div>
        <RowPicker count={rows.length} value={r} onChange={setRow} labels={rowLabels} />
      </header>
      {rows[r] ? <BarList bars={rows[r]} probabilities={probabilities} /> : <p className="mf-muted">Empty.</p>}
    </section>
  );
}
