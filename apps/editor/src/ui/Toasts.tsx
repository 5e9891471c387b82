import { useEffect } from 'react';
import { useUi, useUiApi } from '../app/context.tsx';
import type { Notice } from './uiStore.ts';

function Toast({ notice }: { notice: Notice }) {
  const ui = useUiApi();
  useEffect(() => {
    const t = setTimeout(() => ui.getState().dismiss(notice.id), notice.action ? 15_000 : notice.kind === 'error' ? 9000 : 3500);
    return () => clearTimeout(t);
  }, [ui, notice]);
  return (
    <div className={`mf-toast mf-toast--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-kind={notice.testId}>
      <div className="mf-toast__head">
        <strong>{notice.title}</strong>
        <button type="button" className="mf-icon-btn" aria-label="Dismiss" onClick={() => ui.getState().dismiss(notice.id)}>
          ×
        </button>
      </div>
      {(notice.code || notice.detail) && (
        <div className="mf-toast__detail">
          {notice.code && <code>{notice.code}</code>} {notice.detail}
        </div>
      )}
      {notice.action && (
        <button
          type="button"
          className="mf-toast__action"
          onClick={() => {
            notice.action!.run();
            ui.getState().dismiss(notice.id);
          }}
          data-testid="toast-action"
        >
          {notice.action.label}
        </button>
      )}
    </div>
  );
}

export function Toasts() {
  const notices = useUi((s) => s.notices);
  return (
    <div className="mf-toasts" aria-live="polite">
      {notices.map((n) => (
        <Toast key={n.id} notice={n} />
      ))}
    </div>
  );
}
