/**
 * Gunzip for dataset files, in pure JavaScript (fflate) so it runs in a
 * browser and a worker as well as in Node. The output is bounded: the size
 * the file declares is checked against {@link LIMITS.unpackedFileBytes}
 * before anything is allocated, and the stream is cut off the moment it
 * produces more than that, so a gzip bomb costs a few megabytes, not gigabytes.
 */
import { Gunzip } from 'fflate';
import { LIMITS, bytesText } from '../limits';
import { DatasetError, asUint8Array, type Bytes } from './dataset';

/** Input fed to the inflater at a time: small, so one chunk of a bomb inflates to at most ~17 MB before the cut-off. */
const CHUNK_BYTES = 16 * 1024;

/** True when the bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns the bytes uncompressed: gunzipped when they are gzip, as they are
 * otherwise. Decided by content, not by name, because browsers often save a
 * `.gz` download already uncompressed under its original name. Throws
 * {@link DatasetError} naming `fileName` for a damaged file or one that would
 * unpack to more than `maxBytes`.
 */
export function gunzipIfNeeded(
  bytes: Bytes,
  fileName: string,
  maxBytes: number = LIMITS.unpackedFileBytes,
): Uint8Array {
  const data = asUint8Array(bytes);
  if (!isGzip(data)) return data;
  if (data.length < 18) throw new DatasetError(fileName, `is a truncated gzip file (${data.length} bytes)`);
  // The trailer's last 4 bytes give the uncompressed size modulo 2³²; in a truncated file they are arbitrary data.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const declared = view.getUint32(data.length - 4, true);
  // Deflate cannot expand more than 1032:1, so a larger claim means the end is missing.
  if (declared > data.length * 1032 + 1024)
    throw new DatasetError(
      fileName,
      `is a truncated or corrupt gzip file (${data.length} bytes claiming ${declared} uncompressed)`,
    );
  if (declared > maxBytes)
    throw new DatasetError(
      fileName,
      `would unpack to ${bytesText(declared)}; NetCanvas unpacks at most ${bytesText(maxBytes)} per file`,
    );
  const out = new Uint8Array(declared);
  let written = 0;
  let overflow = false;
  const inflater = new Gunzip((chunk) => {
    if (overflow) return;
    if (written + chunk.length > declared) {
      overflow = true;
      return;
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length && !overflow; offset += CHUNK_BYTES) {
      const end = Math.min(offset + CHUNK_BYTES, data.length);
      inflater.push(data.subarray(offset, end), end === data.length);
    }
  } catch (error) {
    throw new DatasetError(fileName, `is not a readable gzip file (${(error as Error).message})`);
  }
  // More output than the trailer declares: the size wrapped past 4 GiB (a bomb), or several gzip members.
  if (overflow)
    throw new DatasetError(
      fileName,
      `unpacks to more than the ${bytesText(declared)} it declares: it is damaged, made of several gzip parts, or over 4 GiB`,
    );
  if (written !== declared)
    throw new DatasetError(fileName, `unpacks to ${written} bytes but declares ${declared}: the file is damaged`);
  return out;
}
