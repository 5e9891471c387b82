import { useEffect, useState } from 'react';
import { useEditor } from '../app/context.tsx';
import type { StageRow } from '../store/runSlice.ts';

const STATE_LABEL: Record<StageRow['state'], string> = {
  waiting: 'waiting',
  running: 'running',
  done: 'done',
  cached: 'cached',
  failed: 'failed',
  cancelled: 'cancelled',
};

function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Which provider ran the stage, which were tried first and why they were skipped. */
export function providerDetail(row: StageRow): string {
  if (row.kind === 'host') return 'A host step: TypeScript on the page, not onnxruntime.';
  const lines: string[] = [];
  const s = row.session;
  if (row.state === 'cached') lines.push('Taken from the cache: its inputs did not change since an earlier run.');
  if (s) {
    lines.push(`Session runs on ${s.provider}${s.cpuFallback ? ' (some nodes on the wasm CPU provider)' : ''}.`);
    for (const k of s.skipped) lines.push(`Skipped ${k.provider}: ${k.reason ?? 'no reason given'}`);
    if (s.note) lines.push(s.note);
  }
  return lines.join('\n');
}

function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, []);
  return <>{formatMs(now - since)}</>;
}

function Row({ row }: { row: StageRow }) {
  const provider = row.state === 'cached' ? 'cache' : (row.provider ?? (row.kind === 'host' ? 'host' : row.session?.provider));
  const names = row.nodes.length > 3 ? `${row.nodes.slice(0, 3).join(', ')} +${row.nodes.length - 3}` : row.nodes.join(', ');
  return (
    <li className={`mf-stage is-${row.state}`} data-testid={`stage-${row.id}`} data-state={row.state} data-provider={provider ?? ''} title={row.error}>
      <span className="mf-stage__icon" aria-label={STATE_LABEL[row.state]} />
      <span className="mf-stage__text">
        <span className="mf-stage__id mf-mono">{row.id}</span>
        <span className="mf-stage__nodes">{names}</span>
        {row.error && <span className="mf-stage__error">{row.error}</span>}
      </span>
      {provider && (
        <span className={`mf-provider mf-provider--${provider}${row.session?.skipped.length ? ' has-skips' : ''}`} title={providerDetail(row)} data-testid={`stage-provider-${row.id}`}>
          {provider}
          {row.session?.cpuFallback && row.state !== 'cached' ? '+cpu' : ''}
        </span>
      )}
      <span className="mf-stage__ms">{row.state === 'running' && row.startedAt !== undefined ? <Elapsed since={row.startedAt} /> : row.ms !== undefined && row.state !== 'cached' ? formatMs(row.ms) : ''}</span>
    </li>
  );
}

export function StageList() {
  const rows = useEditor((s) => s.run.stages);
  if (!rows.length) return <p className="mf-muted mf-run__empty">Stages appear here once the graph is compiled: one per ONNX model and per host step.</p>;
  return (
    <ol className="mf-stages" data-testid="stage-list">
      {rows.map((r) => (
        <Row key={r.id} row={r} />
      ))}
    </ol>
  );
}
