import { useMemo } from 'react';
import { renderReportHtml } from '@modalflow/eval';
import { useUi, useUiApi } from '../app/context.tsx';
import { Modal } from './Modal.tsx';

/**
 * The page `modalflow eval` writes as report.html, shown from its report.json. A browser page
 * cannot read the data set's files, so examples name their pictures instead of showing them.
 */
export function EvalReportDialog() {
  const opened = useUi((s) => s.evalReport);
  const ui = useUiApi();
  const html = useMemo(() => (opened ? renderReportHtml(opened.report, () => null) : ''), [opened]);
  if (!opened) return null;
  return (
    <Modal title={`Evaluation report: ${opened.name}`} onClose={() => ui.getState().set({ evalReport: null })} testId="eval-report-dialog" wide>
      <iframe className="mf-eval-report" title="Evaluation report" srcDoc={html} sandbox="" data-testid="eval-report-frame" />
    </Modal>
  );
}
