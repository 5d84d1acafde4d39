import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../core/data/dataset';
import { parseDatasetId } from '../../../core/data/dataset-id';

describe('parseDatasetId', () => {
  it.each([
    ['mnist', { kind: 'mnist' }],
    ['MNIST', { kind: 'mnist' }],
    ['idx:data/fashion', { kind: 'idx', dir: 'data/fashion' }],
    ['cifar10:~/Downloads/cifar-10-binary.tar.gz', { kind: 'cifar10', path: '~/Downloads/cifar-10-binary.tar.gz' }],
    ['cifar10:C:\\data\\cifar', { kind: 'cifar10', path: 'C:\\data\\cifar' }],
    ['folder:./pets', { kind: 'folder', dir: './pets' }],
    ['toy:ring', { kind: 'toy', name: 'ring' }],
    ['toy:quadrants', { kind: 'toy', name: 'quadrants' }],
    ['toy:modes', { kind: 'toy', name: 'modes' }],
  ])('%s', (id, expected) => {
    expect(parseDatasetId(id)).toEqual(expected);
  });

  it.each([
    [
      'imagenet',
      /^imagenet: unknown dataset; expected one of mnist, idx:<dir>, cifar10:<path>, folder:<dir>, toy:<quadrants\|ring\|modes>$/,
    ],
    ['toy:spiral', /^toy:spiral: unknown toy set "spiral", expected one of quadrants, ring, modes$/],
    ['idx:', /^idx:: names no dir: write idx:<dir>$/],
    ['folder', /names no dir/],
    ['mnist:x', /mnist takes no argument/],
  ])('refuses %s', (id, message) => {
    expect(() => parseDatasetId(id)).toThrow(DatasetError);
    expect(() => parseDatasetId(id)).toThrow(message);
  });
});
