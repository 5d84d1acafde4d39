// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { layerSpecs } from '../../core/layers/registry';
import { Palette, paletteSections } from '../../renderer/palette/Palette';
import { render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

describe('the palette', () => {
  it('lists every layer type in the registry, once, under its category', () => {
    mounted = render(<Palette onAdd={() => undefined} />);
    const items = mounted.allByTestId('palette-item-').map((el) => el.dataset.testid?.slice('palette-item-'.length));
    expect(items.sort()).toEqual(layerSpecs.map((s) => s.type).sort());
    const conv = mounted.byTestId('palette-item-Conv2D');
    expect(conv?.closest('section')?.querySelector('h3')?.textContent).toBe('Convolution');
    expect(conv?.getAttribute('draggable')).toBe('true');
  });

  it('filters by what the user types, matching labels and descriptions', () => {
    mounted = render(<Palette onAdd={() => undefined} />);
    typeInto(mounted.byTestId('palette-search'), 'pool');
    const shown = mounted.allByTestId('palette-item-').map((el) => el.dataset.testid);
    expect(shown).toContain('palette-item-MaxPooling2D');
    expect(shown).toContain('palette-item-AveragePooling2D');
    expect(shown).not.toContain('palette-item-Dense');
    typeInto(mounted.byTestId('palette-search'), 'no such layer');
    expect(mounted.allByTestId('palette-item-')).toHaveLength(0);
    expect(mounted.container.textContent).toContain('No layer matches');
  });

  it('adds the clicked layer type', () => {
    const added: string[] = [];
    mounted = render(<Palette onAdd={(type) => added.push(type)} />);
    mounted.byTestId('palette-item-Dropout')?.click();
    expect(added).toEqual(['Dropout']);
  });

  it('keeps registry order within each section', () => {
    const order = paletteSections('').flatMap(([, specs]) => specs.map((s) => s.type));
    const registryOrder = layerSpecs.map((s) => s.type);
    for (const [, specs] of paletteSections('')) {
      const positions = specs.map((s) => registryOrder.indexOf(s.type));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(order).toHaveLength(registryOrder.length);
  });
});
