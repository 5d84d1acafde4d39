/**
 * Every network template, in gallery order: the teaching models first, then
 * the ImageNet classics, then the CIFAR ResNets, then segmentation.
 */
import { alexnet, alexnet2012 } from './alexnet';
import { cifarCnn } from './cifar-cnn';
import { googlenet } from './googlenet';
import { lenet5 } from './lenet5';
import { linear } from './linear';
import { mlp } from './mlp';
import { mobilenetV2 } from './mobilenet-v2';
import { resnet101, resnet152, resnet18, resnet34, resnet50 } from './resnet';
import { resnet110, resnet20, resnet32, resnet44, resnet56 } from './resnet-cifar';
import type { Template } from './template';
import { unet } from './unet';
import { vgg11, vgg11Bn, vgg13, vgg13Bn, vgg16, vgg16Bn, vgg19, vgg19Bn } from './vgg';

export type { Template, TemplateOptions } from './template';
export { InvalidTemplateOptionsError } from './resolve-options';

/** All templates. Ids are unique. */
export const templates: readonly Template[] = [
  linear,
  mlp,
  lenet5,
  cifarCnn,
  alexnet2012,
  alexnet,
  vgg11,
  vgg11Bn,
  vgg13,
  vgg13Bn,
  vgg16,
  vgg16Bn,
  vgg19,
  vgg19Bn,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  googlenet,
  mobilenetV2,
  resnet20,
  resnet32,
  resnet44,
  resnet56,
  resnet110,
  unet,
];

const byId = new Map<string, Template>();
for (const template of templates) {
  if (byId.has(template.id)) throw new Error(`Duplicate template id "${template.id}"`);
  byId.set(template.id, template);
}

/** Asked for a template id that does not exist; the message lists the ones that do. */
export class UnknownTemplateError extends Error {
  readonly id: string;
  constructor(id: string) {
    super(`Unknown template "${id}". Known templates: ${templates.map((t) => t.id).join(', ')}`);
    this.name = 'UnknownTemplateError';
    this.id = id;
  }
}

/** The template with `id`; throws {@link UnknownTemplateError} listing the known ids otherwise. */
export function getTemplate(id: string): Template {
  const template = byId.get(id);
  if (!template) throw new UnknownTemplateError(id);
  return template;
}
