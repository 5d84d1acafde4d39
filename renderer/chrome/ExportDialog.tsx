/**
 * The Export dialog behind the toolbar's Export button: the three formats a
 * design leaves the app in, each with what it writes, and whether the
 * trained weights go with it. Choosing one runs the same command as the
 * desktop menu's item for it.
 */
import type { PageCommandId } from '../../core/commands';
import { Modal, START_HERE } from './Modal';

/** The formats, in the order shown, with the command each runs. */
const FORMATS: readonly { id: string; command: PageCommandId; title: string; writes: string }[] = [
  {
    id: 'tfjs',
    command: 'export-model',
    title: 'TensorFlow.js',
    writes: 'model.json and its weights, for tf.loadLayersModel and Keras tools.',
  },
  {
    id: 'pytorch',
    command: 'export-pytorch',
    title: 'PyTorch',
    writes:
      'model.py (an nn.Module), train.py with these training settings for one GPU or many (torchrun), a README, and the weights.',
  },
  {
    id: 'onnx',
    command: 'export-onnx',
    title: 'ONNX',
    writes: 'One .onnx file (opset 13, channels first, any batch size) for ONNX Runtime, Netron, TensorRT, OpenVINO.',
  },
];

export function ExportDialog({
  trainedAccuracy,
  onChoose,
  onClose,
}: {
  /** Test accuracy of the trained weights that go with the export; null for an untrained design. */
  trainedAccuracy: number | null;
  onChoose: (command: PageCommandId) => void;
  onClose: () => void;
}) {
  return (
    <Modal label="Export" title="Export" testId="export-dialog" className="nc-export" onClose={onClose}>
      <div className="nc-pad">
        <p data-testid="export-weights">
          {trainedAccuracy === null
            ? 'The design is untrained: each format starts from freshly initialised weights.'
            : `The trained weights (test accuracy ${(trainedAccuracy * 100).toFixed(1)}%) go with every format.`}
        </p>
        <div className="nc-export-choices">
          {FORMATS.map((f, k) => (
            <button
              key={f.command}
              className="nc-card"
              data-testid={`export-choice-${f.id}`}
              {...(k === 0 ? START_HERE : {})}
              onClick={() => {
                onClose();
                onChoose(f.command);
              }}
            >
              <strong>{f.title}</strong>
              <span className="nc-card-text">{f.writes}</span>
            </button>
          ))}
        </div>
      </div>
    </Modal>
  );
}
