// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { buildTemplate, TemplateGallery } from '../../renderer/gallery/TemplateGallery';
import { templates, type Template } from '../../templates/index';
import { inAct, render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

function mountGallery(onCreate: (t: Template, input: number[], classes: number) => string | null) {
  mounted = render(<TemplateGallery onCreate={onCreate} onClose={() => undefined} />);
  return mounted;
}

describe('the template gallery', () => {
  it('offers every template, and creates the chosen one with the typed input size and classes', () => {
    const created: [string, number[], number][] = [];
    const m = mountGallery((t, input, classes) => (created.push([t.id, input, classes]), null));
    const cards = [...m.container.querySelectorAll<HTMLElement>('.nc-card')].map((el) => el.dataset.testid);
    expect(cards).toEqual(templates.map((t) => `template-${t.id}`));
    inAct(() => m.byTestId('template-vgg16')?.click());
    expect((m.byTestId('template-input') as HTMLInputElement).value).toBe('224×224×3');
    typeInto(m.byTestId('template-input'), '64×64×3');
    typeInto(m.byTestId('template-classes'), '10');
    inAct(() => m.byTestId('template-create')?.click());
    expect(created).toEqual([['vgg16', [64, 64, 3], 10]]);
  });

  it('says why an input size cannot be used, without creating anything', () => {
    const m = mountGallery(() => {
      throw new Error('must not be called');
    });
    typeInto(m.byTestId('template-input'), 'big');
    inAct(() => m.byTestId('template-create')?.click());
    expect(m.byTestId('template-error')?.textContent).toMatch(
      /Input size must be whole numbers such as 32×32×3, got "big"/,
    );
  });

  it("passes on the template's own refusal of options it cannot build", () => {
    const resnet = templates.find((t) => t.id === 'resnet18') as Template;
    const built = buildTemplate(resnet, [28, 28], 10);
    expect(built.graph).toBeNull();
    expect(built.error).toMatch(/resnet18.*3 numbers/);
  });
});

describe('the gallery cards', () => {
  it.each([
    ['googlenet', /Szegedy et al\., "Going deeper with convolutions", CVPR 2015/],
    ['alexnet2012', /Krizhevsky, Sutskever & Hinton, .*NeurIPS 2012/],
    ['mobilenet_v2', /Sandler, Howard, Zhu, Zhmoginov & Chen, .*CVPR 2018/],
    ['unet', /Ronneberger, Fischer & Brox, .*MICCAI 2015/],
  ])('%s names its paper on its card', (id, paper) => {
    const m = mountGallery(() => null);
    const card = m.byTestId(`template-${id}`);
    expect(card?.querySelector(`[data-testid=template-source-${id}]`)?.textContent).toMatch(paper);
  });
});
