/**
 * What the Train view offers when the design does not take the chosen data:
 * core's solver (`fitDesignToData`) proposes one consistent set of edits —
 * Input shape, Flatten, output units — and, for images of another size, the
 * choice between padding the images and resizing the Input. Each proposal is
 * one button (one undo step) with the shapes it changes and the weight count
 * it leaves, so a user sees before clicking that LeNet-5 keeps its 61,706
 * weights when MNIST is padded and shrinks when the Input is resized.
 *
 * The per-mismatch fixes of the design check ("Set the Input shape to 2") are
 * not offered any more: applied alone they could leave an error with no fix
 * (a Flatten before a 2-number input). A proposal always validates.
 */
import { useMemo } from 'react';
import type { Graph } from '../../../core/graph/graph';
import type { DataShape } from '../../../core/train/design-check';
import { fitDesignToData } from '../../../core/train/fit-design';

interface FitProposalsProps {
  graph: Graph;
  data: DataShape;
  /** Makes the proposed design the editor's design, as one undo step. */
  onApply(graph: Graph): void;
}

const weights = (n: number) => `${n.toLocaleString('en')} weight${n === 1 ? '' : 's'}`;

/** The weight count a proposal leaves, said the way a user compares it. */
function weightsLine(params: { before: number; after: number }): string {
  if (params.before === params.after) return `${weights(params.after)}, as before`;
  return `${weights(params.before)} → ${weights(params.after)}`;
}

export function FitProposals({ graph, data, onApply }: FitProposalsProps) {
  const fit = useMemo(() => fitDesignToData(graph, data), [graph, data]);
  if (fit.status === 'fits') return null;
  if (fit.status === 'impossible')
    return (
      <p className="nc-fit-impossible" data-testid="train-fit-impossible">
        {fit.reason}
      </p>
    );
  return (
    <div className="nc-fit-proposals" data-testid="train-fit-proposals">
      {fit.proposals.map((proposal, i) => {
        const changed = proposal.preview.filter((row) => row.before !== row.after);
        return (
          <div className="nc-fit-proposal" key={proposal.choice ?? 'fit'} data-choice={proposal.choice ?? 'fit'}>
            <button
              className={i === 0 ? 'nc-primary' : undefined}
              onClick={() => onApply(proposal.graph)}
              title={proposal.edits.join('\n')}
              // The recommended proposal keeps the `train-fix` id the one-fix view had; the alternative has its own.
              data-testid={i === 0 ? 'train-fix' : 'train-fix-alternative'}
            >
              {proposal.label}
              {i === 0 && fit.proposals.length > 1 ? ' (recommended)' : ''}
            </button>
            <span className="nc-fit-weights" data-testid="train-fit-weights">
              {weightsLine(proposal.params)}
            </span>
            <table className="nc-fit-preview" aria-label={`Shapes after "${proposal.label}"`}>
              <tbody>
                {changed.map((row) => (
                  <tr key={row.nodeId} className={row.after === null ? 'nc-fit-removed' : undefined}>
                    <td>
                      {row.name} <span className="nc-muted">({row.type})</span>
                    </td>
                    <td className="nc-mono">{row.before ?? 'new'}</td>
                    <td aria-hidden="true">→</td>
                    <td className="nc-mono">{row.after ?? 'removed'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
