/**
 * One optimizer update of one weight as a single kernel on the tfjs wasm
 * backend. tfjs's optimizers build each update from element-wise ops (Adam
 * runs 14 kernels and makes 6 scalar tensors per weight), and on a small
 * network such as LeNet-5 the engine's cost per kernel call, not the
 * arithmetic, is what an optimizer step costs. Each kernel here reads the
 * weight, its gradient and the optimizer's slots from the wasm heap and
 * writes the new values into new outputs, which the optimizer assigns.
 *
 * Every value is rounded to float32 after each operation, in tfjs's order, so
 * the results equal tfjs's own optimizers to the last bit: a float32 sum,
 * product, quotient or square root is exactly the double one rounded to
 * float32 (doubles carry more than twice float32's precision), and the wasm
 * backend's element-wise kernels are IEEE float32 operations.
 *
 * Large weights ({@link KERNELS_FROM} values or more) take the same operations
 * as the backend's own SIMD kernels instead of a TypeScript loop: four floats
 * an instruction, and threaded where the backend has threads. The CIFAR-10
 * CNN's dense weight (2048×128): 5.7 → 1.4 ms a step; the same bits.
 */
import { type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeScratch, heapFloat32, wasmKernel } from './wasm-heap';

const f32 = Math.fround;

/** Name of the fused Adam update kernel (not a tfjs kernel name). */
export const ADAM_UPDATE = 'NetCanvasAdamUpdate';

/**
 * Attributes of {@link ADAM_UPDATE}: tfjs's Adam constants, and the two bias
 * corrections `1 − β₁ᵗ`, `1 − β₂ᵗ` as tfjs computes them (in float32).
 */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  biasCorrection1: number;
  biasCorrection2: number;
}

/** Inputs of {@link ADAM_UPDATE}: the weight, its gradient, and Adam's first and second moments. */
export interface AdamUpdateInputs {
  value: TensorInfo;
  gradient: TensorInfo;
  firstMoment: TensorInfo;
  secondMoment: TensorInfo;
}

/**
 * Weights with at least this many values are updated by the backend's kernels
 * (some 13 calls, each costing a few µs whatever its size), smaller ones by
 * the loop. CPU, fastest of 15: 9,216 values 0.20 → 0.11 ms, 36,864 0.78 →
 * 0.45, 147,456 3.4 → 0.87.
 */
const KERNELS_FROM = 4096;

/**
 * {@link adamUpdate} by the backend's SIMD kernels: the same float32
 * operations in the same order (each rounds once, as the loop's `fround`s do),
 * with the constants as float32 scalars broadcast over the weight.
 */
function adamByKernels(backend: BackendWasm, inputs: AdamUpdateInputs, constants: number[]): TensorInfo[] {
  const [multiply, add, divide, sqrt, square] = ['Multiply', 'Add', 'RealDiv', 'Sqrt', 'Square'].map((name) =>
    wasmKernel(backend, name, 'the Adam update'),
  );
  const scalars = constants.map((value) => {
    const scalar = backend.makeOutput([], 'float32');
    heapFloat32(backend, scalar, 'constant')[0] = value;
    return scalar;
  });
  const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, step, correction1, correction2] = scalars;
  const scratch: TensorInfo[] = [...scalars];
  const temporary = (tensor: TensorInfo) => {
    scratch.push(tensor);
    return tensor;
  };
  const { value, gradient, firstMoment, secondMoment } = inputs;
  const m = add({
    a: temporary(multiply({ a: firstMoment, b: beta1 })),
    b: temporary(multiply({ a: gradient, b: oneMinusBeta1 })),
  });
  const squared = temporary(square({ x: gradient }));
  const v = add({
    a: temporary(multiply({ a: secondMoment, b: beta2 })),
    b: temporary(multiply({ a: squared, b: oneMinusBeta2 })),
  });
  const root = temporary(sqrt({ x: temporary(divide({ a: v, b: correction2 })) }));
  const denominator = temporary(add({ a: root, b: epsilon }));
  const ratio = temporary(divide({ a: temporary(divide({ a: m, b: correction1 })), b: denominator }));
  const newValue = add({ a: temporary(multiply({ a: ratio, b: step })), b: value });
  for (const tensor of scratch) disposeScratch(backend, tensor);
  return [newValue, m, v];
}

/**
 * The new weight, first and second moment, as tfjs 4.22's `AdamOptimizer`
 * computes them: m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², and
 * w' = −lr · (m'/c₁) / (√(v'/c₂) + ε) + w.
 */
function adamUpdate(args: { inputs: AdamUpdateInputs; backend: BackendWasm; attrs: AdamUpdateAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  // Each constant as the float32 scalar tensor tfjs makes of it.
  const beta1 = f32(attrs.beta1);
  const oneMinusBeta1 = f32(1 - attrs.beta1);
  const beta2 = f32(attrs.beta2);
  const oneMinusBeta2 = f32(1 - attrs.beta2);
  const epsilon = f32(attrs.epsilon);
  const step = f32(-attrs.learningRate);
  const correction1 = f32(attrs.biasCorrection1);
  const correction2 = f32(attrs.biasCorrection2);
  const sizeOf = (tensor: TensorInfo) => tensor.shape.reduce((a, b) => a * b, 1);
  const size = sizeOf(inputs.value);
  if ([inputs.gradient, inputs.firstMoment, inputs.secondMoment].some((tensor) => sizeOf(tensor) !== size)) {
    throw new Error('Adam update: the weight, its gradient and its moments differ in size');
  }
  if (size >= KERNELS_FROM && inputs.value.dtype === 'float32' && inputs.gradient.dtype === 'float32') {
    const constants = [beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, step, correction1, correction2];
    return adamByKernels(backend, inputs, constants);
  }
  const shape = [...inputs.value.shape];
  const outValue = backend.makeOutput(shape, 'float32');
  const outFirst = backend.makeOutput(shape, 'float32');
  const outSecond = backend.makeOutput(shape, 'float32');
  // Views only after the allocations above: they may have grown the heap.
  const value = heapFloat32(backend, inputs.value, 'value');
  const gradient = heapFloat32(backend, inputs.gradient, 'gradient');
  const first = heapFloat32(backend, inputs.firstMoment, 'first moment');
  const second = heapFloat32(backend, inputs.secondMoment, 'second moment');
  const newValue = heapFloat32(backend, outValue, 'new value');
  const newFirst = heapFloat32(backend, outFirst, 'new first moment');
  const newSecond = heapFloat32(backend, outSecond, 'new second moment');
  for (let i = 0; i < value.length; i++) {
    const g = gradient[i];
    const m = f32(f32(first[i] * beta1) + f32(g * oneMinusBeta1));
    const v = f32(f32(second[i] * beta2) + f32(f32(g * g) * oneMinusBeta2));
    const denominator = f32(f32(Math.sqrt(f32(v / correction2))) + epsilon);
    newValue[i] = f32(f32(f32(f32(m / correction1) / denominator) * step) + value[i]);
    newFirst[i] = m;
    newSecond[i] = v;
  }
  return [outValue, outFirst, outSecond];
}

/** Registration record for {@link adamUpdate} on the `wasm` backend. */
export const wasmAdamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: 'wasm',
  kernelFunc: adamUpdate as unknown as KernelFunc,
};

/** {@link AdamUpdateAttrs} as the attribute map `runKernel` takes. */
export const adamAttrs = (attrs: AdamUpdateAttrs): NamedAttrMap => attrs as unknown as NamedAttrMap;
