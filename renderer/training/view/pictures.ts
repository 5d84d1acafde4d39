/**
 * Turning numbers into pixels for the Train view: dataset samples, feature
 * maps, filters and the decision boundary, as RGBA arrays a canvas can show.
 * Pure functions, so what a picture shows is tested without a canvas.
 */
import type { DecisionBoundary } from '../../../core/train/decision-boundary';

/** An RGBA picture. */
export interface Picture {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/**
 * A stored sample (`h × w × c`, channels last, 1 or 3 channels) as RGBA.
 * Raw bytes are shown as they are; float values are stretched from their
 * own minimum to maximum.
 */
export function samplePicture(values: ArrayLike<number>, inputShape: readonly number[]): Picture {
  const [height, width, channels] = inputShape;
  const raw = values instanceof Uint8Array;
  const [lo, hi] = raw ? [0, 255] : range(values);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) {
      const v = values[p * channels + (channels === 3 ? k : 0)];
      rgba[p * 4 + k] = (v - lo) * scale;
    }
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

function range(values: ArrayLike<number>, from = 0, to = values.length, stride = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i += stride) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

/** Channel `channel` of a channels-last `height × width × channels` map as grayscale, stretched to its own range. */
export function channelPicture(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  channel: number,
): Picture {
  const [lo, hi] = range(values, channel, height * width * channels, channels);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = (values[p * channels + channel] - lo) * scale;
    rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = v;
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

/**
 * Output filter `filter` of a conv kernel `[kh, kw, in, out]`: in colour when
 * it reads 3 channels (RGB), else the mean over its input channels, stretched
 * to its own range so every filter's pattern is visible.
 */
export function filterPicture(
  values: ArrayLike<number>,
  kh: number,
  kw: number,
  inChannels: number,
  outChannels: number,
  filter: number,
): Picture {
  const colour = inChannels === 3;
  const pixels = new Float32Array(kh * kw * 3);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let k = 0; k < 3; k++) {
        let v = 0;
        if (colour) v = values[((y * kw + x) * inChannels + k) * outChannels + filter];
        else {
          for (let c = 0; c < inChannels; c++) v += values[((y * kw + x) * inChannels + c) * outChannels + filter];
          v /= inChannels;
        }
        pixels[(y * kw + x) * 3 + k] = v;
      }
    }
  }
  const [lo, hi] = range(pixels);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const rgba = new Uint8ClampedArray(kh * kw * 4);
  for (let p = 0; p < kh * kw; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = (pixels[p * 3 + k] - lo) * scale;
    rgba[p * 4 + 3] = 255;
  }
  return { width: kw, height: kh, rgba };
}

/** Class colours of the 2-D plots: class 0 blue, class 1 orange. */
export const CLASS_COLOURS: readonly [number, number, number][] = [
  [37, 99, 235],
  [234, 88, 12],
];

/**
 * The decision boundary as a picture, one pixel per grid cell: each cell
 * tinted towards the colour of the class the model gives it, from faint
 * where the classes are a toss-up to strong where the model is sure.
 */
export function boundaryPicture(
  boundary: Pick<DecisionBoundary, 'resolution' | 'classCount' | 'classes' | 'confidence'>,
): Picture {
  const { resolution, classCount, classes, confidence } = boundary;
  const rgba = new Uint8ClampedArray(resolution * resolution * 4);
  const tossUp = 1 / Math.max(2, classCount);
  for (let i = 0; i < resolution * resolution; i++) {
    const colour = CLASS_COLOURS[classes[i] % CLASS_COLOURS.length];
    const sureness = Math.min(1, Math.max(0, (confidence[i] - tossUp) / (1 - tossUp)));
    const strength = 0.15 + 0.45 * sureness;
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = 255 * (1 - strength) + colour[k] * strength;
    rgba[i * 4 + 3] = 255;
  }
  return { width: resolution, height: resolution, rgba };
}

/** Paints a picture onto a canvas at its own size (CSS scales it up, pixelated). */
export function paint(canvas: HTMLCanvasElement | null, picture: Picture): void {
  if (!canvas) return;
  canvas.width = picture.width;
  canvas.height = picture.height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.putImageData(
    new ImageData(picture.rgba as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height),
    0,
    0,
  );
}
