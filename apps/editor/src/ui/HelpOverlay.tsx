import { useUi, useUiApi } from '../app/context.tsx';
import { SHORTCUTS } from './keymap.ts';
import { Modal } from './Modal.tsx';

export function HelpOverlay() {
  const open = useUi((s) => s.helpOpen);
  const ui = useUiApi();
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => ui.getState().set({ helpOpen: false })} testId="help-overlay">
      <table className="mf-shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(' · ').map((k, i) => (
                  <span key={i}>
                    {i > 0 && <span className="mf-muted"> or </span>}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
