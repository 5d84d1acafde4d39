/**
 * The arithmetic of the selected layer, at the top of the inspector where a
 * learner looks first: its output size by the lecture's rule
 * `(N − F + 2P) / S + 1` in real numbers, its weight count
 * (`(5·5·3 + 1)·6 = 456`), and its receptive field.
 */
import type { ReceptiveField } from '../../core/graph/receptive-field';

/** `11×11`, or `11` when both sides agree. */
const pair = ([a, b]: readonly [number, number]): string => `${a}×${b}`;

/** The receptive field in words: how much of the input one output position sees. */
export function fieldText(field: ReceptiveField, image: readonly [number, number] | null): string {
  if (field.whole) return 'the whole input: every output depends on every input pixel';
  const all = image !== null && field.size[0] >= image[0] && field.size[1] >= image[1];
  const size = `${pair(field.size)} pixels of the input`;
  const apart = field.step[0] === 1 && field.step[1] === 1 ? '' : `, neighbours ${pair(field.step)} apart`;
  return all ? `${size} (all of the ${pair(image)} image)${apart}` : `${size}${apart}`;
}

export function Workings({
  explanation,
  lectureRule,
  paramFormula,
  field,
  image,
}: {
  explanation: readonly string[];
  /** The layer slides a window (convolution, pooling), so its output size follows the lecture's rule. */
  lectureRule: boolean;
  paramFormula: string | undefined;
  field: ReceptiveField | undefined;
  image: readonly [number, number] | null;
}) {
  if (!explanation.length && !paramFormula && !field) return null;
  return (
    <section className="nc-workings" aria-label="Workings">
      {explanation.length > 0 && (
        <div className="nc-explain" data-testid="explain">
          <div className="nc-muted">{lectureRule ? 'Output size, (N − F + 2P) / S + 1:' : 'Output size:'}</div>
          {explanation.map((line) => (
            <div key={line} className="nc-explain-line">
              {line}
            </div>
          ))}
        </div>
      )}
      {paramFormula && (
        <div className="nc-explain" data-testid="explain-params">
          <div className="nc-muted">Weights:</div>
          <div className="nc-explain-line">{paramFormula}</div>
        </div>
      )}
      {field && (
        <div className="nc-explain" data-testid="receptive-field">
          <div className="nc-muted">Receptive field:</div>
          <div className="nc-explain-line">{fieldText(field, image)}</div>
        </div>
      )}
    </section>
  );
}
