/**
 * Gunzip for dataset files, in pure JavaScript (fflate) so it runs in a
 * browser and a worker as well as in Node.
 */
import { gunzipSync } from 'fflate';
import { DatasetError, asUint8Array, type Bytes } from './dataset';

/** True when the bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes uncompressed: gunzipped when they are gzip, as they are
 * otherwise. Decided by content, not by name, because browsers often save a
 * `.gz` download already uncompressed under its original name.
 */
export function gunzipIfNeeded(bytes: Bytes, fileName: string): Uint8Array {
  const data = asUint8Array(bytes);
  if (!isGzip(data)) return data;
  // The trailer's last 4 bytes give the uncompressed size, and fflate allocates that much up front; in a
  // truncated file they are arbitrary data. Deflate cannot expand more than 1032:1, so a larger claim means
  // the end is missing, and we say so instead of trying to allocate gigabytes.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const claimedSize = data.length >= 18 ? view.getUint32(data.length - 4, true) : 0;
  if (claimedSize > data.length * 1032 + 1024) {
    throw new DatasetError(
      fileName,
      `is a truncated or corrupt gzip file (${data.length} bytes claiming ${claimedSize} uncompressed)`,
    );
  }
  try {
    return gunzipSync(data);
  } catch (error) {
    throw new DatasetError(fileName, `is not a readable gzip file (${(error as Error).message})`);
  }
}
