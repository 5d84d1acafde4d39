/** Applying the one-click repairs that diagnostics offer. */
import type { Fix } from '../errors';
import { addOutput, insertBefore, removeNodesReconnecting, renameNode, setParams, type Graph } from './graph';

/**
 * The graph with `fix` applied: a parameter set, a layer inserted before
 * the node, the node removed with its input reconnected to what it fed, or
 * the node renamed or made an output. Returns the new graph; the old one is
 * untouched.
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
    case 'rename':
      return renameNode(graph, nodeId, edit.name);
    case 'add-output':
      return addOutput(graph, nodeId);
  }
}
