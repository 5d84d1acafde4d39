/** Which collapsed group, if any, hides each layer. */
import type { Graph } from '../../core/graph/graph';

/** For each node, the outermost collapsed group that hides it (if any). */
export function collapsedOwner(graph: Graph): Map<string, string> {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const owner = new Map<string, string>();
  const outermost = (groupId: string | undefined): string | undefined => {
    let found: string | undefined;
    const seen = new Set<string>();
    for (
      let g = groupId ? groups.get(groupId) : undefined;
      g && !seen.has(g.id);
      g = g.parent ? groups.get(g.parent) : undefined
    ) {
      seen.add(g.id);
      if (g.collapsed) found = g.id;
    }
    return found;
  };
  for (const node of graph.nodes) {
    const g = outermost(node.group);
    if (g) owner.set(node.id, g);
  }
  return owner;
}
