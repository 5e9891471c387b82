import { useMemo } from 'react';
import type { Tensor } from '@modalflow/core';
import { useEditor, useEditorApi } from '../app/context.tsx';
import { docHash } from '../run/docHash.ts';
import type { RunResult } from '../store/runSlice.ts';
import { AttentionCard } from './AttentionCard.tsx';
import { MatrixCard } from './MatrixCard.tsx';
import { SpectrogramCard } from './SpectrogramCard.tsx';
import { ProbabilityCard } from './ProbabilityCard.tsx';
import { rowBars, topkBars, type Bar } from './probabilities.ts';
import { attentionSources, barSources, matrixSources, nodeName } from './sources.ts';
import { firstValues } from './stats.ts';

function OutputsCard({ result, onInspect }: { result: RunResult; onInspect: (name: string) => void }) {
  const entries = Object.entries(result.outputs);
  if (!entries.length) return null;
  return (
    <section className="mf-result mf-result--outputs" data-testid="outputs-card">
      <header className="mf-result__head">
        <div>
          <h4>Outputs</h4>
          <span className="mf-muted">click one to select its node</span>
        </div>
      </header>
      <table className="mf-outputs">
        <tbody>
          {entries.map(([name, t]: [string, Tensor]) => (
            <tr key={name} onClick={() => onInspect(name)} data-testid={`output-${name}`}>
              <th>{name}</th>
              <td className="mf-mono mf-muted">
                {t.dtype} [{t.dims.join(', ')}]
              </td>
              <td className="mf-mono mf-outputs__values">
                {firstValues(t, 6).join(', ')}
                {t.data.length > 6 ? ', …' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ResultsPane() {
  const result = useEditor((s) => s.run.result);
  const analysis = useEditor((s) => s.analysis);
  // Results outlive a failed or cancelled run: they are then from an earlier run, and said to be.
  const stale = useEditor((s) => (!s.run.result ? null : s.run.result.graphHash !== docHash(s.doc) ? 'changed' : s.run.status === 'failed' || s.run.status === 'cancelled' ? s.run.status : null));
  const nodes = useEditor((s) => s.nodeIndex);
  const editor = useEditorApi();
  const sources = useMemo(
    () => ({ bars: barSources(analysis), matrices: matrixSources(analysis), attention: attentionSources(analysis) }),
    [analysis],
  );

  if (!result) {
    return (
      <div className="mf-run__empty mf-muted" data-testid="results-empty">
        <p>Results appear here after a run: probabilities with their labels, similarity matrices, attention laid over the picture, and every output.</p>
        <p>After a run, click any wire to inspect the tensor it carried.</p>
      </div>
    );
  }

  const { tensors } = result;
  const barCards = sources.bars.flatMap((src) => {
    let rows: Bar[][] | null = null;
    let subtitle = '';
    if (src.kind === 'topk') {
      const scores = tensors[src.scores];
      if (scores?.dims.length === 2) rows = topkBars(scores, tensors[src.labels], tensors[src.indices]);
      subtitle = `best ${scores?.dims[1] ?? ''}${src.from ? ` of ${src.from}` : ''}`;
    } else {
      const probs = tensors[src.tap];
      if (probs?.dtype === 'float32' && probs.dims.length === 2) {
        const [b, c] = probs.dims as [number, number];
        rows = rowBars(probs.data as Float32Array, b, c, src.classNames, 10);
        subtitle = c > 10 ? `top 10 of ${c} classes` : `${c} classes`;
      }
    }
    if (!rows) return [];
    return [<ProbabilityCard key={src.node} title={nodeName(nodes.get(src.node), src.node)} subtitle={subtitle} rows={rows} testId={`bars-${src.node}`} />];
  });
  const matrixCards = sources.matrices.flatMap((src) => {
    const t = tensors[src.tap];
    if (!t || t.dims.length !== 2 || t.dtype !== 'float32') return [];
    // Rows are whatever the row input holds: a dual encoder over sound or video is not about images.
    const rowKind = src.rows ? analysis.nodes.get(src.rows)?.def.inputKind : undefined;
    const row = rowKind === 'audio' ? { title: 'Audio', name: 'clip' } : rowKind === 'video' ? { title: 'Video', name: 'video' } : { title: 'Image', name: 'image' };
    return [
      <MatrixCard
        key={src.node}
        title={`${row.title}–text similarity`}
        source={src.tap}
        tensor={t}
        rowLabels={src.rows ? result.labels[src.rows] : undefined}
        colLabels={src.cols ? result.labels[src.cols] : undefined}
        rowName={row.name}
        colName="text"
        testId={`similarity-${src.node}`}
      />,
    ];
  });

  const spectrogramCards = analysis.order.flatMap((id) =>
    (analysis.nodes.get(id)?.def.views?.spectrogram ?? []).flatMap((port) => {
      const t = tensors[`${id}.${port}`];
      if (!t || t.dims.length !== 3 || t.dtype !== 'float32') return [];
      return [<SpectrogramCard key={`${port}-${id}`} title={nodeName(nodes.get(id), id)} source={`${id}.${port}`} tensor={t} testId={`spectrogram-${id}`} />];
    }),
  );

  const selectOutput = (name: string) => editor.getState().select([name]);

  return (
    <div className={`mf-results${stale ? ' is-stale' : ''}`} data-testid="results" data-stale={stale ?? undefined}>
      {stale && (
        <p className="mf-results__stale" data-testid="results-stale">
          {stale === 'changed' ? 'The graph changed since this run; run again to update.' : `The last run ${stale === 'failed' ? 'failed' : 'was cancelled'}: these results are from the run before it.`}
        </p>
      )}
      <div className="mf-results__cards">
        <AttentionCard sources={sources.attention} tensors={tensors} images={result.images} />
        {matrixCards}
        {spectrogramCards}
        {barCards}
        <OutputsCard result={result} onInspect={selectOutput} />
      </div>
    </div>
  );
}
