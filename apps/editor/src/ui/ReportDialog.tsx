import { useUi, useUiApi } from '../app/context.tsx';
import { ProblemList } from '../docs/ProblemList.tsx';
import { Modal } from './Modal.tsx';

/** Every problem of a file that would not open or a graph that would not compile, code and location first. */
export function ReportDialog() {
  const report = useUi((s) => s.report);
  const ui = useUiApi();
  if (!report) return null;
  return (
    <Modal title={report.title} onClose={() => ui.getState().set({ report: null })} testId="report-dialog">
      <ProblemList problems={report.problems} />
      <p className="mf-muted mf-report__note">Your current graph has not been changed.</p>
    </Modal>
  );
}
