/**
 * What every network template declares. Templates are small builder
 * functions over core's graph API, one file per family; `index.ts` lists them.
 */
import type { Graph } from '../core/graph/graph';

/** Options every template accepts. */
export interface TemplateOptions {
  /** Per-sample input shape, height × width × channels (or a flat length for `linear`/`mlp`). */
  input?: readonly number[];
  /** Number of classes the last layer predicts. */
  classes?: number;
}

/** A network template. */
export interface Template {
  /** Stable id used by the gallery and `netcanvas summary <id>`, e.g. `resnet50`. */
  id: string;
  /** Display name, e.g. `ResNet-50`. */
  title: string;
  /** One line for `netcanvas templates` and the gallery. */
  description: string;
  /** Where the architecture comes from: paper and/or reference implementation. */
  source: string;
  /** Input shape used when none is given. */
  defaultInput: readonly number[];
  /** Class count used when none is given. */
  defaultClasses: number;
  /**
   * What the last layer gives: a vector of class probabilities (`classes`,
   * when absent) or a map of them the size of the input (`map`, for
   * segmentation such as U-Net).
   */
  output?: 'classes' | 'map';
  /** Builds the graph, laid out, with residual blocks and stages as groups. */
  build(options?: TemplateOptions): Graph;
}
