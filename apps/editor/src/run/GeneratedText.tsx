import { useEditor } from '../app/context.tsx';

/** What each generate node is writing, word by word while the run goes on. */
export function GeneratedText() {
  const generated = useEditor((s) => s.run.generated);
  const entries = Object.entries(generated ?? {});
  if (!entries.length) return null;
  return (
    <div className="mf-run__generated" data-testid="run-generated">
      {entries.map(([node, g]) => (
        <div key={node} data-testid={`run-generated-${node}`} data-done={g.stopped !== undefined}>
          <strong>{node}</strong>{' '}
          {g.provisional ? <em>beam search, step {g.tokens}…</em> : <span data-testid="run-generated-text">{g.text}</span>}
          {g.stopped === false && <em> (stopped at max_length without a stop token)</em>}
          {g.tokensPerSecond !== undefined && <small> · {g.tokens} tokens, {g.tokensPerSecond.toFixed(1)} tokens/s</small>}
        </div>
      ))}
    </div>
  );
}
