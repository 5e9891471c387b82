import { useEffect, type ReactNode } from 'react';

/** A centred dialog over a dimmed page; Escape or a click outside closes it. */
export function Modal({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId?: string; wide?: boolean }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="mf-scrim" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`mf-modal${wide ? ' mf-modal--wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <header className="mf-modal__header">
          <h2>{title}</h2>
          <button type="button" className="mf-icon-btn" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="mf-modal__body">{children}</div>
      </div>
    </div>
  );
}
