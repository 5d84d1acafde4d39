/**
 * Dataset readers: the common {@link Dataset} form and the readers that
 * produce it from bytes the shell supplies (IDX, CIFAR-10 binary and its
 * tar.gz, image folders) or generate it (toy 2-D sets).
 */
export * from './dataset';
export * from './random';
export * from './gzip';
export * from './idx';
export * from './tar';
export * from './cifar10';
export * from './image-folder';
export * from './toy';
export * from './dataset-id';
