/**
 * FusedConv2D for the tfjs wasm backend, around the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships (XNNPACK's direct convolution):
 * 3×3 stride-1 convolutions with enough channels, linear or ReLU, run by
 * Winograd's F(4×4, 3×3) or F(2×2, 3×3) (`./winograd`): the CIFAR-10 CNN's
 * forward convolutions took 70 ms a step on one thread here, about 21 by
 * Winograd with the module's own products; everything else goes to the built-in
 * as asked. Every convolution NetCanvas trains runs as this kernel (see
 * core/layers/lazy-conv-gradient.ts), bias and ReLU inside.
 */
import {
  backend_util,
  FusedConv2D,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { winogradConv3x3, winogradRuns } from './winograd';

interface FusedConv2DArgs {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: BackendWasm;
  attrs: FusedConv2DAttrs;
}

/**
 * Whether this convolution goes to Winograd: the geometry {@link winogradRuns}
 * takes, float32 NHWC, linear or ReLU with a bias of one value per filter (or
 * none), which is what the Winograd kernel fuses.
 */
function takesWinograd(
  backend: BackendWasm,
  info: backend_util.Conv2DInfo,
  inputs: FusedConv2DArgs['inputs'],
  activation: string,
): boolean {
  const { x, filter, bias, preluActivationWeights } = inputs;
  return (
    info.dataFormat === 'channelsLast' &&
    (activation === 'linear' || activation === 'relu') &&
    preluActivationWeights == null &&
    (bias == null || (bias.shape.length === 1 && bias.shape[0] === info.outChannels && bias.dtype === 'float32')) &&
    x.dtype === 'float32' &&
    filter.dtype === 'float32' &&
    winogradRuns(backend, info)
  );
}

/** The wasm FusedConv2D that wraps the backend's own `builtIn`. */
export function wasmFusedConv2dConfig(builtIn: KernelConfig): KernelConfig {
  const run = builtIn.kernelFunc as unknown as (args: FusedConv2DArgs) => TensorInfo;
  function fusedConv2d(args: FusedConv2DArgs): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias } = inputs;
    const { strides, pad, dilations, dataFormat, dimRoundingMode, activation } = attrs;
    if (dataFormat !== 'NHWC') return run(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
    );
    if (!takesWinograd(backend, info, inputs, activation)) return run(args);
    const geometry = {
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
    };
    return winogradConv3x3(backend, x, filter, geometry, bias ?? null, activation === 'relu');
  }
  return {
    kernelName: FusedConv2D,
    backendName: 'wasm',
    // The built-in's setup binds its wasm function; the wrapper runs it.
    setupFunc: builtIn.setupFunc,
    kernelFunc: fusedConv2d as unknown as KernelFunc,
  };
}
