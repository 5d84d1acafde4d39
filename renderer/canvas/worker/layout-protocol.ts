/** Messages between the canvas and its layout worker. */
import type { Graph, Position } from '../../../core/graph/graph';

/** Lay out `graph`; `id` matches the reply to the request. */
export interface LayoutRequest {
  id: number;
  graph: Graph;
}

/** Positions and routes as entry lists (structured clone keeps Maps, but lists are cheaper to post), or why not. */
export type LayoutReply =
  { id: number; positions: [string, Position][]; routes: [string, Position[]][] } | { id: number; error: string };
