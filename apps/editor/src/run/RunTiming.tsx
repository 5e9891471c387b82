import { useEditor } from '../app/context.tsx';

const ms = (v: number) => (v < 1 ? '<1 ms' : v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

/**
 * The last run's time split in three: the run itself, and the one-off compile and session
 * creation before it, which a second run of the same graph skips. Summed into one number, the
 * first run of any graph looks many times slower than it runs.
 */
export function RunTiming() {
  const result = useEditor((s) => (s.run.status === 'done' ? s.run.result : null));
  if (!result) return null;
  const reused = result.compileMs === null;
  return (
    <span className="mf-run__timing" data-testid="run-timing" data-reused={reused}>
      <span data-testid="run-timing-run" title="Running the stages, inputs to outputs">
        run <b>{ms(result.ms)}</b>
      </span>
      {reused ? (
        <span data-testid="run-timing-setup" title="The compiled graph and its sessions were kept from the last run">compile and sessions reused</span>
      ) : (
        <>
          <span data-testid="run-timing-compile" title="Compiling the graph to ONNX (in a worker)">
            compile <b>{ms(result.compileMs!)}</b>
          </span>
          <span data-testid="run-timing-sessions" title="Loading onnxruntime and creating one session per ONNX stage">
            sessions <b>{ms(result.sessionMs ?? 0)}</b>
          </span>
        </>
      )}
    </span>
  );
}
