import { formatLocation, type Problem } from '@modalflow/core';

/** Problems with their stable code first, then the message and where it is. */
export function ProblemList({ problems, onPick }: { problems: readonly Problem[]; onPick?: (p: Problem) => void }) {
  return (
    <ul className="mf-problems" data-testid="problem-list">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === 'warning' ? 'is-warning' : 'is-error'}>
          <button type="button" disabled={!onPick} onClick={() => onPick?.(p)}>
            <code>{p.code}</code>
            <span className="mf-problems__msg">{p.message}</span>
            {formatLocation(p.at) && <span className="mf-problems__at">{formatLocation(p.at)}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
