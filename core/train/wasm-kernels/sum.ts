/**
 * Sum for the tfjs wasm backend, around the one @tensorflow/tfjs-backend-wasm
 * 4.22 ships. That one reduces only innermost axes: asked to sum leading axes
 * it first transposes the whole tensor with its Transpose kernel. Training
 * asks exactly that once a biased layer a step — a bias's gradient is dy summed
 * over every axis but the channels (`[0, 1, 2]` of NHWC) — and the transpose
 * made it 2.2 ms for a 32×32×32 map at batch 32, 8 ms of a CIFAR-10 CNN step.
 * Here the leading axes are summed in place, row after row, into one float64
 * sum per kept value (cpu sums in float64 as well); other reductions go to the
 * built-in kernel as asked.
 */
import {
  backend_util,
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFloat32 } from './wasm-heap';

/** How many leading axes `axis` names, when it names only leading axes and leaves at least one; else 0. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [
    ...new Set(
      util.parseAxisParam(
        axis,
        Array.from({ length: rank }, () => 1),
      ),
    ),
  ].sort((a, b) => a - b);
  const leading = axes.every((a, i) => a === i) ? axes.length : 0;
  return leading < rank ? leading : 0;
}

/**
 * Adds the four rows of `x` from `at` (each `sums.length` long) onto `sums`:
 * each float64 sum is loaded and stored once per four values (one row a pass
 * ran no faster than the built-in's transpose). A function of its own, called
 * once per four rows, so V8 optimizes it whole: as loops nested in a longer
 * function, Chromium's V8 (the app's worker) compiles the inner loop alone and
 * throws that code away where it ends.
 */
function addFourRows(x: Float32Array, sums: Float64Array, at: number): void {
  const width = sums.length;
  for (let j = 0; j < width; j++) {
    sums[j] += x[at + j] + x[at + width + j] + x[at + 2 * width + j] + x[at + 3 * width + j];
  }
}

/** Adds the row of `x` from `at` onto `sums`. */
function addRow(x: Float32Array, sums: Float64Array, at: number): void {
  for (let j = 0; j < sums.length; j++) sums[j] += x[at + j];
}

/** The wasm Sum that wraps the backend's own `builtIn` (which does every reduction but leading axes of floats). */
export function wasmSumConfig(builtIn: KernelConfig): KernelConfig {
  const run = builtIn.kernelFunc as unknown as (args: {
    inputs: { x: TensorInfo };
    backend: BackendWasm;
    attrs: SumAttrs;
  }) => TensorInfo;
  function sum(args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: SumAttrs }): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const leading = x.dtype === 'float32' ? leadingAxes(attrs.axis, x.shape.length) : 0;
    if (leading === 0) return run(args);
    const kept = x.shape.slice(leading);
    const width = util.sizeFromShape(kept);
    const rows = util.sizeFromShape(x.shape.slice(0, leading));
    const sums = new Float64Array(width);
    const values = heapFloat32(backend, x, 'x');
    let row = 0;
    for (; row + 4 <= rows; row += 4) addFourRows(values, sums, row * width);
    for (; row < rows; row++) addRow(values, sums, row * width);
    const shape = attrs.keepDims
      ? backend_util.expandShapeToKeepDim(
          kept,
          Array.from({ length: leading }, (_, i) => i),
        )
      : kept;
    return backend.makeOutput(shape, 'float32', undefined, Float32Array.from(sums));
  }
  return {
    kernelName: Sum,
    backendName: 'wasm',
    // The built-in's setup binds its wasm function; the wrapper runs it.
    setupFunc: builtIn.setupFunc,
    kernelFunc: sum as unknown as KernelFunc,
  };
}
