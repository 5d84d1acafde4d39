/**
 * Identity, and Cast to the dtype a tensor already has, for the tfjs wasm
 * backend without copying (and Cast to bool right, see {@link toBool}). @tensorflow/tfjs-backend-wasm 4.22 copies the
 * tensor's bytes for both, and training asks for them all the time: the
 * engine clones (Identity) every tensor a gradient saves for the backward
 * pass, and the pooling ops cast their result to the input's dtype. A
 * CIFAR-10 CNN step copied 74 activations that way (2.8 ms of 146 on two
 * threads). Nothing writes into a tensor once it is made (kernels write only
 * their outputs, and a Variable's assign swaps its data for the new tensor's),
 * so the result shares the input's memory and counts one more reference to it,
 * as the cpu backend's Identity and the wasm backend's own Reshape do.
 */
import { Cast, Identity, type CastAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface UnaryArgs<Attrs> {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: Attrs;
}

/** `x` again: the same memory, one more reference to it. */
function shared(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The wasm Identity around the backend's own `builtIn`, which keeps string tensors (not on the wasm heap). */
export function wasmIdentityConfig(builtIn: KernelConfig): KernelConfig {
  const run = builtIn.kernelFunc as unknown as (args: UnaryArgs<object>) => TensorInfo;
  function identity(args: UnaryArgs<object>): TensorInfo {
    return args.inputs.x.dtype === 'string' ? run(args) : shared(args.backend, args.inputs.x);
  }
  return { kernelName: Identity, backendName: 'wasm', kernelFunc: identity as unknown as KernelFunc };
}

/**
 * `x` as booleans: 1 where it is not zero. The built-in Cast copies values
 * into the byte array as they are (2 stays 2, −1 becomes 255), where cpu and
 * WebGL give 1 for every non-zero value.
 */
function toBool(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  // Views only after the allocation above: it may have grown the heap.
  const values = backend.typedArrayFromHeap(x);
  const bools = backend.typedArrayFromHeap(out);
  for (let i = 0; i < values.length; i++) bools[i] = values[i] !== 0 ? 1 : 0;
  return out;
}

/**
 * The wasm Cast around the backend's own `builtIn`, which converts between
 * numeric dtypes: a cast to the dtype the tensor has is shared (the bytes of
 * an int32 are not those of the float32 of the same value, so only then), and
 * a cast to bool is done here.
 */
export function wasmCastConfig(builtIn: KernelConfig): KernelConfig {
  const run = builtIn.kernelFunc as unknown as (args: UnaryArgs<CastAttrs>) => TensorInfo;
  function cast(args: UnaryArgs<CastAttrs>): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.dtype === 'string') return run(args);
    if (x.dtype === attrs.dtype) return shared(backend, x);
    return attrs.dtype === 'bool' ? toBool(backend, x) : run(args);
  }
  return { kernelName: Cast, backendName: 'wasm', kernelFunc: cast as unknown as KernelFunc };
}
