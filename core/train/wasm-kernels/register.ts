/**
 * Adds to the tfjs wasm backend the gradient kernels that training a
 * convolutional network needs and @tensorflow/tfjs-backend-wasm 4.22 lacks.
 * Found by training a net with every layer NetCanvas offers (Conv2D,
 * DepthwiseConv2D, both poolings, batch norm, dropout, merges, dense, softmax)
 * on wasm and recording the kernels it asked for; all others it needs exist.
 */
import { getKernel, registerKernel, type KernelConfig } from '@tensorflow/tfjs';
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import {
  wasmDepthwiseConv2dBackpropFilterConfig,
  wasmDepthwiseConv2dBackpropInputConfig,
} from './depthwise-conv2d-backprop';

/** The kernels this module supplies for the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  wasmConv2dBackpropFilterConfig,
  wasmDepthwiseConv2dBackpropFilterConfig,
  wasmDepthwiseConv2dBackpropInputConfig,
];

/**
 * Registers each kernel of {@link WASM_TRAINING_KERNELS} that the wasm backend
 * does not already have, and returns the names it registered. Safe to call
 * again (it then registers nothing), and a later tfjs-backend-wasm that ships
 * its own version of a kernel keeps it. Works before or after the wasm backend
 * is initialised.
 *
 * @example
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', …]
 * await tf.setBackend('wasm');
 * await model.fit(xs, ys); // convolution layers now train
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    if (getKernel(config.kernelName, 'wasm') != null) continue;
    registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
