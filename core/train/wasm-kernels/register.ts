/**
 * Makes the tfjs wasm backend able to train convolutional networks correctly.
 * Found by training a net with every layer NetCanvas offers (Conv2D,
 * DepthwiseConv2D, both poolings, batch norm, dropout, merges, dense, softmax)
 * on wasm 4.22, recording the kernels it asked for, and comparing every
 * weight's gradient with the cpu backend's: three kernels are missing and one
 * (MaxPoolGrad) gives wrong results; every other kernel it uses matches cpu.
 * Conv2DBackpropInput, Tanh and AvgPoolGrad are replaced too, and BatchMatMul, Sum, FusedConv2D, Identity and Cast
 * wrapped, for speed.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { wasmAvgPoolGradConfig } from './avg-pool-grad';
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { wasmConv2dBackpropInputConfig } from './conv2d-backprop-input';
import { wasmFusedConv2dConfig } from './fused-conv2d';
import { wasmCastConfig, wasmIdentityConfig } from './identity';
import { wasmBatchMatMulConfig } from './batch-mat-mul';
import {
  wasmDepthwiseConv2dBackpropFilterConfig,
  wasmDepthwiseConv2dBackpropInputConfig,
} from './depthwise-conv2d-backprop';
import { wasmMaxPoolGradConfig } from './max-pool-grad';
import { wasmAdamUpdateConfig } from './optimizer-steps';
import { wasmSumConfig } from './sum';
import { wasmTanhConfig } from './tanh';

/** A kernel this module supplies, and whether it replaces the backend's own. */
export type WasmTrainingKernel =
  | {
      config: KernelConfig;
      /**
       * False: added only where the backend has none, so a later tfjs-backend-wasm
       * that ships its own keeps it. True: the backend's own is replaced, because
       * it gives wrong gradients (MaxPoolGrad) or is several times slower
       * (Conv2DBackpropInput, Tanh, AvgPoolGrad).
       */
      replacesBuiltIn: boolean;
    }
  | {
      /** The name of the backend's own kernel that {@link wrap} builds on. */
      kernelName: string;
      /** A kernel around the backend's own (which it calls for the cases it leaves alone). */
      wrap(builtIn: KernelConfig): KernelConfig;
    };

/** The kernels this module supplies for the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly WasmTrainingKernel[] = [
  { config: wasmConv2dBackpropFilterConfig, replacesBuiltIn: false },
  { config: wasmDepthwiseConv2dBackpropFilterConfig, replacesBuiltIn: false },
  { config: wasmDepthwiseConv2dBackpropInputConfig, replacesBuiltIn: false },
  { config: wasmMaxPoolGradConfig, replacesBuiltIn: true },
  { config: wasmConv2dBackpropInputConfig, replacesBuiltIn: true },
  { config: wasmTanhConfig, replacesBuiltIn: true },
  { config: wasmAvgPoolGradConfig, replacesBuiltIn: true },
  { config: wasmAdamUpdateConfig, replacesBuiltIn: false },
  { kernelName: 'BatchMatMul', wrap: wasmBatchMatMulConfig },
  { kernelName: 'Sum', wrap: wasmSumConfig },
  { kernelName: 'FusedConv2D', wrap: wasmFusedConv2dConfig },
  { kernelName: 'Identity', wrap: wasmIdentityConfig },
  { kernelName: 'Cast', wrap: wasmCastConfig },
];

/** Kernel functions made by a `wrap`, so a second registration leaves them be. */
const wrappers = new WeakSet<object>();

/**
 * Registers the kernels of {@link WASM_TRAINING_KERNELS} for the wasm backend
 * and returns the names it registered. Safe to call again (it then registers
 * nothing). Works before or after the wasm backend is initialised.
 *
 * @example
 * registerWasmTrainingKernels(); // ['Conv2DBackpropFilter', …, 'MaxPoolGrad']
 * await tf.setBackend('wasm');
 * await model.fit(xs, ys); // convolution layers now train, with correct gradients
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const kernel of WASM_TRAINING_KERNELS) {
    if ('wrap' in kernel) {
      const builtIn = getKernel(kernel.kernelName, 'wasm');
      if (builtIn == null || wrappers.has(builtIn.kernelFunc)) continue;
      const config = kernel.wrap(builtIn);
      wrappers.add(config.kernelFunc);
      unregisterKernel(kernel.kernelName, 'wasm');
      registerKernel(config);
      registered.push(kernel.kernelName);
      continue;
    }
    const { config, replacesBuiltIn } = kernel;
    const current = getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current != null) {
      if (!replacesBuiltIn) continue;
      unregisterKernel(config.kernelName, 'wasm');
    }
    registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
