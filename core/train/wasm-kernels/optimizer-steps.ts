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
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFloat32 } from './wasm-heap';

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
 * The new weight, first and second moment, as tfjs 4.22's `AdamOptimizer`
 * computes them: m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², and
 * w' = −lr · (m'/c₁) / (√(v'/c₂) + ε) + w.
 */
function adamUpdate(args: { inputs: AdamUpdateInputs; backend: BackendWasm; attrs: AdamUpdateAttrs }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
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
  if (gradient.length !== value.length || first.length !== value.length || second.length !== value.length) {
    throw new Error('Adam update: the weight, its gradient and its moments differ in size');
  }
  // Each constant as the float32 scalar tensor tfjs makes of it.
  const beta1 = f32(attrs.beta1);
  const oneMinusBeta1 = f32(1 - attrs.beta1);
  const beta2 = f32(attrs.beta2);
  const oneMinusBeta2 = f32(1 - attrs.beta2);
  const epsilon = f32(attrs.epsilon);
  const step = f32(-attrs.learningRate);
  const correction1 = f32(attrs.biasCorrection1);
  const correction2 = f32(attrs.biasCorrection2);
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
