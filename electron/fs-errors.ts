/**
 * File-system errors in words. Node reports them as `ELOOP: too many symbolic
 * links encountered, open '/a/b'`; the desktop shell and the command line
 * both show one line that names the path the user gave and says what is
 * wrong in plain words, whatever the code.
 */

/** What each error code means for the path it came with. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'the path goes round a loop of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open; close some programs and try again',
  ENFILE: 'too many files are open; close some programs and try again',
  EIO: 'the disk reported an input/output error',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EEXIST: 'a file is already there',
  EBUSY: 'the file is in use',
  ETXTBSY: 'the file is in use',
  EFBIG: 'the file is too large',
  ENXIO: 'it is a device or socket, not a file',
  ENODEV: 'it is a device, not a file',
  EINVAL: 'the path is not valid here',
  EXDEV: 'it is on another disk',
  ENOTEMPTY: 'the folder is not empty',
  ETIMEDOUT: 'the disk did not answer in time',
  ESTALE: 'the network file handle is stale',
};

/**
 * The reason for a file-system error in words, one line: the known codes
 * translated, any other error's message up to its first line break.
 *
 * @example
 * fsErrorText(Object.assign(new Error('ELOOP: …'), { code: 'ELOOP' })) // "the path goes round a loop of symbolic links"
 */
export function fsErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code];
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
