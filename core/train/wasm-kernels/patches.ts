/**
 * The two data movements that turn a convolution's gradients into matrix
 * products (im2col and its inverse), for NHWC tensors and the geometry of a
 * `backend_util.Conv2DInfo`. A patch is the input window one output position
 * sees, flattened in the filter's `[row, col, inChannel]` order, so patch
 * index k matches row k of the filter viewed as a `[fh·fw·inC, outC]` matrix.
 * "Rows" below are output positions of samples `first … first + count - 1`,
 * in `[sample, outRow, outCol]` order.
 */
import type { backend_util } from '@tensorflow/tfjs';

/** Output columns `outCol` in `[start, end)` whose tap `fc` lands inside the input. */
function validColumns(info: backend_util.Conv2DInfo, fc: number): [number, number] {
  const offset = fc * info.dilationWidth - info.padInfo.left;
  const start = Math.max(0, Math.ceil(-offset / info.strideWidth));
  const end = Math.min(info.outWidth, Math.ceil((info.inWidth - offset) / info.strideWidth));
  return [start, Math.max(start, end)];
}

/**
 * Writes the patch matrix transposed, `patchesT[k · rows + r]` = value of tap k
 * at output position r (0 in the padding), so that the filter gradient is
 * `patchesT · dy` with dy used in place as the smaller operand.
 */
export function gatherPatchesTransposed(
  x: Float32Array,
  patchesT: Float32Array,
  info: backend_util.Conv2DInfo,
  first: number,
  count: number,
): void {
  const { inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideWidth, dilationWidth } = info;
  const { left } = info.padInfo;
  const rows = count * outHeight * outWidth;
  const xColStep = strideWidth * inChannels;
  for (let fr = 0; fr < filterHeight; fr++) {
    for (let fc = 0; fc < filterWidth; fc++) {
      const tapRow = (fr * filterWidth + fc) * inChannels * rows;
      const [colStart, colEnd] = validColumns(info, fc);
      const firstXCol = colStart * strideWidth - left + fc * dilationWidth;
      // One output row at a time: its input row segment (a few KiB) stays in
      // cache while each channel's values are copied out of it into that
      // channel's row of patchesT, so reads and writes both stay local.
      const tap = { x, patchesT, info, rows, xColStep, fr, tapRow, colStart, colEnd, firstXCol };
      for (let b = first, r = 0; b < first + count; b++, r += outHeight * outWidth) tapOfSample(tap, b, r);
    }
  }
}

/** What {@link tapOfSample} reads, the same for every sample of one filter tap. */
interface TapContext {
  x: Float32Array;
  patchesT: Float32Array;
  info: backend_util.Conv2DInfo;
  /** Rows of patchesT: patches of the samples gathered. */
  rows: number;
  xColStep: number;
  /** The tap's filter row. */
  fr: number;
  /** Where the tap's first channel row starts in patchesT. */
  tapRow: number;
  /** Output columns whose tap falls inside the input. */
  colStart: number;
  colEnd: number;
  /** The input column of output column `colStart`'s tap. */
  firstXCol: number;
}

/**
 * One filter tap's values for sample `b`, whose patches start at row `r`. A
 * function of its own, called once a sample and tap: as loops nested in
 * {@link gatherPatchesTransposed}, Chromium's V8 (the app's worker) compiled
 * the inner ones alone (on-stack replacement) and deoptimized where they ended,
 * 53–78 times in a 2-epoch LeNet-5 run, so the gather ran mostly unoptimized;
 * called hundreds of times a gather, this is optimized whole.
 */
function tapOfSample(tap: TapContext, b: number, r0: number): void {
  const { x, patchesT, info, rows, xColStep, fr, tapRow, colStart, colEnd, firstXCol } = tap;
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, dilationHeight } = info;
  const { top } = info.padInfo;
  for (let outRow = 0, r = r0; outRow < outHeight; outRow++, r += outWidth) {
    const xr = outRow * strideHeight - top + fr * dilationHeight;
    const inside = xr >= 0 && xr < inHeight;
    const xStart = ((b * inHeight + xr) * inWidth + firstXCol) * inChannels;
    for (let c = 0, dst = tapRow + r; c < inChannels; c++, dst += rows) {
      if (!inside) {
        patchesT.fill(0, dst, dst + outWidth);
        continue;
      }
      for (let outCol = 0; outCol < colStart; outCol++) patchesT[dst + outCol] = 0;
      for (let outCol = colStart, src = xStart + c; outCol < colEnd; outCol++, src += xColStep) {
        patchesT[dst + outCol] = x[src];
      }
      for (let outCol = colEnd; outCol < outWidth; outCol++) patchesT[dst + outCol] = 0;
    }
  }
}

/**
 * Adds each row of `patchGradients` (`rows × fh·fw·inC`, row-major) back onto
 * the input pixels its taps read; taps in the padding are dropped. This is the
 * input gradient once `patchGradients = dy · filterᵀ`.
 */
export function scatterPatches(
  patchGradients: Float32Array,
  dx: Float32Array,
  info: backend_util.Conv2DInfo,
  first: number,
  count: number,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const patchSize = filterHeight * filterWidth * inChannels;
  let src = 0;
  for (let b = first; b < first + count; b++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let outCol = 0; outCol < outWidth; outCol++) {
        for (let fr = 0; fr < filterHeight; fr++) {
          const xr = outRow * strideHeight - top + fr * dilationHeight;
          if (xr < 0 || xr >= inHeight) continue;
          const xRow = (b * inHeight + xr) * inWidth;
          for (let fc = 0; fc < filterWidth; fc++) {
            const xc = outCol * strideWidth - left + fc * dilationWidth;
            if (xc < 0 || xc >= inWidth) continue;
            const from = src + (fr * filterWidth + fc) * inChannels;
            const to = (xRow + xc) * inChannels;
            for (let c = 0; c < inChannels; c++) dx[to + c] += patchGradients[from + c];
          }
        }
        src += patchSize;
      }
    }
  }
}
