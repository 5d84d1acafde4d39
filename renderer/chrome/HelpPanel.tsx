/** The keyboard shortcuts and the basics of the canvas. */
import { Modal } from './Modal';
import { SHORTCUTS, shortcutText } from './shortcuts';

export function HelpPanel({ onClose }: { onClose: () => void }) {
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return (
    <Modal label="Help" title="Keyboard shortcuts" testId="help-panel" className="nc-help" onClose={onClose}>
      <table className="nc-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={`${s.command}-${s.key}-${s.shift}`}>
              <td>
                <kbd>{shortcutText(s, mac)}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>On the canvas</h3>
      <ul className="nc-help-list">
        <li>Drag a layer from the palette onto the canvas, or click it to add it after the selected layer.</li>
        <li>Drag from a layer's bottom handle to another layer's top handle to connect them.</li>
        <li>Ctrl+click adds to the selection; Shift+drag selects a rectangle.</li>
        <li>Click a group's title to collapse it into one box; ▸ expands it again.</li>
        <li>Scroll to zoom, drag the background to pan.</li>
      </ul>
    </Modal>
  );
}
