/**
 * The layered layout, off the main thread: ELK takes about a second of CPU on
 * ResNet-152 (bench/layout-resnet152.bench.ts), which would freeze the window.
 * Receives `{ id, graph }` and answers `{ id, positions, routes }` or `{ id, error }`.
 */
import { computeLayout } from '../../../core/graph/layout';
import type { LayoutReply, LayoutRequest } from './layout-protocol';

const post = (reply: LayoutReply) => (self as unknown as { postMessage(m: LayoutReply): void }).postMessage(reply);

self.addEventListener('message', (event: MessageEvent<LayoutRequest>) => {
  const { id, graph } = event.data;
  computeLayout(graph).then(
    (layout) => post({ id, positions: [...layout.positions], routes: [...layout.routes] }),
    (e: unknown) => post({ id, error: e instanceof Error ? e.message : String(e) }),
  );
});
