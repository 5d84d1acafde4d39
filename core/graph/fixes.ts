/** Applying the one-click repairs that diagnostics offer. */
import type { Fix } from '../errors';
import { insertBefore, setParams, type Graph } from './graph';

/**
 * The graph with `fix` applied: a parameter set, or a layer inserted before
 * the node. Returns the new graph; the old one is untouched.
 */
export function applyFix(graph: Graph, fix: Fix): Graph {
  const { edit, nodeId } = fix;
  switch (edit.kind) {
    case 'set-param':
      return setParams(graph, nodeId, { [edit.param]: edit.value });
    case 'insert-before':
      return insertBefore(graph, nodeId, edit.input, edit.type, edit.params).graph;
  }
}
