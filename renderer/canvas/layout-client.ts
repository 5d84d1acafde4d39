/**
 * Asks for a layered layout of a design: in the layout worker where the
 * page can start workers, else (unit tests) on this thread.
 */
import type { Graph } from '../../core/graph/graph';
import type { GraphLayout } from '../../core/graph/geometry';
import type { LayoutReply } from './worker/layout-protocol';

let worker: Worker | null | undefined;
/** Layouts asked for and not yet answered, for the canvas's "Laying out…" sign. */
let pending = 0;
const watchers = new Set<() => void>();
const changed = (by: number) => {
  pending += by;
  for (const watch of watchers) watch();
};

/** Subscribes to changes of {@link layoutsPending} (for useSyncExternalStore). */
export function watchLayouts(listener: () => void): () => void {
  watchers.add(listener);
  return () => watchers.delete(listener);
}

/** How many layouts are being worked out. */
export const layoutsPending = (): number => pending;
let nextId = 1;
const waiting = new Map<number, { resolve(layout: GraphLayout): void; reject(error: Error): void }>();

function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  if (typeof Worker === 'undefined') return (worker = null);
  worker = new Worker(new URL('./worker/layout-worker.ts', import.meta.url), {
    type: 'module',
    name: 'netcanvas-layout',
  });
  worker.addEventListener('message', (event: MessageEvent<LayoutReply>) => {
    const reply = event.data;
    const pending = waiting.get(reply.id);
    if (!pending) return;
    waiting.delete(reply.id);
    if ('error' in reply) pending.reject(new Error(`Layout failed: ${reply.error}`));
    else pending.resolve({ positions: new Map(reply.positions), routes: new Map(reply.routes) });
  });
  return worker;
}

/** The layered layout of `graph` (see core/graph/layout.ts). */
export async function requestLayout(graph: Graph): Promise<GraphLayout> {
  changed(+1);
  try {
    return await layoutOf(graph);
  } finally {
    changed(-1);
  }
}

async function layoutOf(graph: Graph): Promise<GraphLayout> {
  const target = layoutWorker();
  if (!target) {
    const { computeLayout } = await import('../../core/graph/layout');
    return computeLayout(graph);
  }
  const id = nextId++;
  return new Promise<GraphLayout>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    target.postMessage({ id, graph });
  });
}

/**
 * Starts the layout worker and has it lay out a two-layer design, so ELK has
 * compiled its algorithms (a few seconds on a slow machine) before the user
 * opens a template or imports a model.
 */
export function warmUpLayout(): void {
  if (!layoutWorker()) return;
  const box = (id: string, y: number) => ({ id, type: 'Flatten', name: id, params: {}, position: { x: 0, y } });
  void requestLayout({
    nodes: [box('a', 0), box('b', 100)],
    edges: [{ id: 'e', source: 'a', target: 'b', targetInput: 0 }],
    groups: [],
  }).catch(() => undefined);
}
