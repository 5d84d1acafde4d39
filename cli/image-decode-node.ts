/**
 * The image decoder the command line hands to `imageFolderDataset`: PNG
 * through pngjs and JPEG through jpeg-js, both pure JavaScript so nothing
 * native has to build. The format is told by the file's first bytes, and the
 * size its header declares is held to NetCanvas's limit before decoding
 * (core's `image-folder.ts` checks it too; this decoder must be safe alone).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readImageHeader } from '../core/data/image-header';
import type { DecodedImage } from '../core/data/image-folder';
import { LIMITS, limitText } from '../core/limits';

/**
 * Decodes a PNG (any bit depth or colour type, 16-bit scaled to 8) or a
 * baseline/progressive JPEG to RGBA pixels. Throws for anything else and
 * for an image that declares more than {@link LIMITS.imagePixels} pixels.
 */
export async function decodeImageNode(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  let header;
  try {
    header = readImageHeader(bytes);
  } catch (error) {
    // The caller prefixes the file's path, so the message itself says only what is wrong.
    throw new Error(`${name} ${(error as Error).message}`);
  }
  if (header.width * header.height > LIMITS.imagePixels)
    throw new Error(
      `${name} declares ${header.width}×${header.height} pixels, over the ${limitText(LIMITS.imagePixels)} NetCanvas decodes`,
    );
  if (header.format === 'png') {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return {
      width: png.width,
      height: png.height,
      data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    };
  }
  const image = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: LIMITS.imagePixels / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  return { width: image.width, height: image.height, data: image.data };
}
