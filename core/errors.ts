/**
 * The one catalogue of problems NetCanvas reports about a design, and the
 * error classes it throws. User mistakes are data (`Diagnostic`); exceptions
 * are for bugs and malformed files.
 */

/** How bad a problem is: an error blocks compiling and training, a warning does not. */
export type Severity = 'error' | 'warning';

/**
 * Every diagnostic code, with its severity and a one-line title. Like xyflow's
 * `errorMessages`, this is the only place codes are declared, so the problems
 * panel, the CLI and the tests all agree on them.
 */
export const DIAGNOSTICS = {
  'unknown-layer-type': { severity: 'error', title: 'Unknown layer type' },
  'duplicate-name': { severity: 'error', title: 'Two layers share a name' },
  'invalid-name': { severity: 'error', title: 'Name not allowed' },
  cycle: { severity: 'error', title: 'The graph has a cycle' },
  'missing-input': { severity: 'error', title: 'An input is not connected' },
  'too-many-inputs': { severity: 'error', title: 'Too many inputs' },
  'repeated-input': { severity: 'error', title: 'One tensor feeds a layer twice' },
  disconnected: { severity: 'error', title: 'Layer is not connected' },
  'unused-layer': { severity: 'error', title: 'Layer leads to no output' },
  'too-deep': { severity: 'error', title: 'Chain of layers too long' },
  'wrong-rank': { severity: 'error', title: 'Input has the wrong number of dimensions' },
  'param-invalid': { severity: 'error', title: 'Parameter out of range' },
  'kernel-too-large': { severity: 'error', title: 'Window larger than its input' },
  'uneven-stride': { severity: 'warning', title: 'Stride does not divide the input evenly' },
  'shape-mismatch': { severity: 'error', title: 'Merged tensors have different shapes' },
  'concat-mismatch': { severity: 'error', title: 'Concatenated tensors do not line up' },
  'reshape-mismatch': { severity: 'error', title: 'Reshape changes the number of elements' },
  'empty-output': { severity: 'error', title: 'Output has a dimension of zero' },
  'tensor-too-large': { severity: 'warning', title: 'Tensor too large to hold' },
  'tensor-over-limit': { severity: 'error', title: 'Tensor over the size limit' },
  'too-many-weights': { severity: 'error', title: 'Too many weights' },
  'cannot-train-in-browser': {
    severity: 'warning',
    title: 'TensorFlow.js cannot train this layer',
    blocksTraining: true,
  },
} as const satisfies Record<string, { severity: Severity; title: string; blocksTraining?: true }>;

/** A code from the {@link DIAGNOSTICS} catalogue. */
export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/**
 * Whether a diagnostic stops a training run: every error, and the warnings
 * the catalogue marks `blocksTraining` (a layer TensorFlow.js can run and
 * export but has no gradient for: the design is fine, training it is not).
 */
export const blocksTraining = (d: Pick<Diagnostic, 'code' | 'severity'>): boolean =>
  d.severity === 'error' || 'blocksTraining' in DIAGNOSTICS[d.code];

/**
 * A change to one node that repairs a problem, expressed relative to that
 * node so layer specs can suggest it without knowing node ids.
 */
export type NodeEdit =
  /** Set one parameter of the node. */
  | { kind: 'set-param'; param: string; value: unknown }
  /** Insert a new layer between the node and the tensor feeding input `input`. */
  | { kind: 'insert-before'; input: number; type: string; params?: Record<string, unknown> }
  /** Remove the node, connecting its one input to whatever it fed (a layer with nothing left to do). */
  | { kind: 'remove' }
  /** Give the node a new name. */
  | { kind: 'rename'; name: string }
  /** Add the node's tensor to the model's declared outputs. */
  | { kind: 'add-output' };

/** A one-click repair offered with a diagnostic. */
export interface Fix {
  /** What the button says, e.g. `Insert a Flatten before "dense1"`. */
  label: string;
  /** The node the edit applies to. */
  nodeId: string;
  edit: NodeEdit;
}

/** One problem with a design, attached to the node that causes it. */
export interface Diagnostic {
  nodeId: string;
  code: DiagnosticCode;
  severity: Severity;
  /** Names the layer and the numbers, e.g. `Conv2D "conv3": 5×5 kernel does not fit a 3×3 input with padding "valid"`. */
  message: string;
  /** The repair offered first (one click). */
  fix?: Fix;
  /** Other repairs, e.g. a stride or a kernel that fits besides padding; each label names the size it gives. */
  alternatives?: Fix[];
}

/** A problem found by a layer's shape rule, before the engine attaches node and name. */
export interface Problem {
  code: DiagnosticCode;
  /** The message without the `Type "name": ` prefix, which the engine adds. */
  message: string;
  fix?: { label: string; edit: NodeEdit };
  /** Other repairs for the same cause. */
  alternatives?: { label: string; edit: NodeEdit }[];
}

/**
 * Thrown by a layer's `inferShape` when its input and parameters cannot
 * produce an output. The engine turns it into a diagnostic; it never escapes
 * shape inference.
 */
export class ShapeError extends Error {
  readonly problem: Problem;
  constructor(code: DiagnosticCode, message: string, fix?: Problem['fix'], alternatives?: Problem['alternatives']) {
    super(message);
    this.name = 'ShapeError';
    this.problem = { code, message, ...(fix ? { fix } : {}), ...(alternatives?.length ? { alternatives } : {}) };
  }
}

/**
 * A malformed file or payload, with the JSON path of the first bad field.
 *
 * @example
 * new ValidationError(['nodes', 3, 'params', 'units'], 'expected an integer ≥ 1, got -4')
 * // message: "At nodes.3.params.units: expected an integer ≥ 1, got -4"
 */
export class ValidationError extends Error {
  readonly path: readonly (string | number)[];
  readonly detail: string;
  constructor(path: readonly (string | number)[], detail: string) {
    super(path.length ? `At ${path.join('.')}: ${detail}` : detail);
    this.name = 'ValidationError';
    this.path = path;
    this.detail = detail;
  }
}

/** A layer type that no spec in the registry declares: a programming error or an unsupported file. */
export class UnknownLayerTypeError extends Error {
  readonly type: string;
  constructor(type: string) {
    super(`Unknown layer type "${type}"`);
    this.name = 'UnknownLayerTypeError';
    this.type = type;
  }
}
