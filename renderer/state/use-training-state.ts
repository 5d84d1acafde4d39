/**
 * Whether a training run is in progress and whether the design can be
 * trained, reported to the host over the bridge so the desktop's Train menu
 * enables Start and Stop to match (main cannot know either by itself).
 * Whether a run is in progress comes from the caller: state/ sits below the
 * training room and does not reach into it.
 */
import { useEffect } from 'react';
import type { NetCanvasBridge, TrainingState } from '../../electron/contract';
import { trainingBlockers } from '../../core/graph/infer';
import { useDerived, useEditorState } from './EditorContext';

/** The training state of the editor, reported to the host whenever it changes. */
export function useTrainingState(bridge: NetCanvasBridge, training: boolean): TrainingState {
  const { report } = useDerived();
  const { graph } = useEditorState();
  // The same test the Train view applies: layers, no errors, nothing tfjs cannot train.
  const canTrain = graph.nodes.length > 0 && trainingBlockers(report.diagnostics).length === 0;
  useEffect(() => bridge.setTrainingState({ training, canTrain }), [bridge, training, canTrain]);
  return { training, canTrain };
}
