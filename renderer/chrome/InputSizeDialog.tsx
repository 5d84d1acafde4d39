/**
 * Asked when an imported model.json leaves its input size open (`[null,
 * null, null, 3]`, as MobileNet and EfficientNet exports do): the size to
 * build the design at, prefilled with the one the model is usually run at.
 */
import { useState } from 'react';
import { parseParam } from '../inspector/param-text';
import type { PendingImport } from '../state/editor-store';
import { FormEnd, Modal, START_HERE } from './Modal';

const dimsText = (dims: readonly (number | null)[]): string => dims.map((d) => d ?? '?').join('×');

/** Why `text` is not a size for an input declared as `declared`, or the size. */
export function readInputSize(text: string, declared: readonly (number | null)[]): number[] | string {
  const parsed = parseParam({ kind: 'intList', default: [], min: 1 }, text);
  if (!parsed.ok || (parsed.value as number[]).some((d) => d < 1))
    return `Give whole numbers ≥ 1 such as ${dimsText(declared.map((d) => d ?? 224))}, got "${text}".`;
  const size = parsed.value as number[];
  if (size.length !== declared.length)
    return `The input has ${declared.length} dimension${declared.length === 1 ? '' : 's'} (${dimsText(declared)}); give ${declared.length} sizes.`;
  const clash = declared.findIndex((d, i) => d !== null && d !== size[i]);
  if (clash !== -1) return `The file fixes size ${clash + 1} at ${declared[clash]} (${dimsText(declared)}).`;
  return size;
}

export function InputSizeDialog({
  pending,
  onImport,
  onCancel,
}: {
  pending: PendingImport;
  onImport: (size: number[]) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState((pending.suggested ?? pending.declared.map((d) => d ?? '')).join('×'));
  const [error, setError] = useState<string | null>(null);
  const submit = () => {
    const size = readInputSize(text, pending.declared);
    if (typeof size === 'string') setError(size);
    else onImport(size);
  };
  return (
    <Modal label="Input size" title="Input size" testId="input-size-dialog" onClose={onCancel}>
      <form
        className="nc-pad"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p>
          {pending.file.name} does not fix the size of its input ({dimsText(pending.declared)}). A design has one size,
          so choose the size to build it at
          {pending.suggested ? '; the model is usually run at the size filled in' : ''}.
        </p>
        <div className="nc-field">
          <label htmlFor="nc-import-size">Input size (height × width × channels)</label>
          <input
            id="nc-import-size"
            value={text}
            {...START_HERE}
            onChange={(e) => setText(e.target.value)}
            data-testid="input-size"
          />
        </div>
        <FormEnd
          error={error}
          testId={{ error: 'input-size-error', submit: 'input-size-import' }}
          submitLabel="Import"
          onCancel={onCancel}
        />
      </form>
    </Modal>
  );
}
