/** Applying the one-click repairs that diagnostics offer. */
import type { Fix } from '../errors';
import { insertBefore, removeNodesReconnecting, setParams, type Graph } from './graph';

/**
 * The graph with `fix` applied: a parameter set, a layer inserted before
 * the node, or the node removed with its input reconnected to what it fed. Returns the new graph; the old one is untouched.
 */
export function applyFix(graph: Graph, fix: Fix): Graph {
  const { edit, nodeId } = fix;
  switch (edit.kind) {
    case 'set-param':
      return setParams(graph, nodeId, { [edit.param]: edit.value });
    case 'insert-before':
      return insertBefore(graph, nodeId, edit.input, edit.type, edit.params).graph;
    case 'remove':
      return removeNodesReconnecting(graph, [nodeId]).graph;
  }
}
