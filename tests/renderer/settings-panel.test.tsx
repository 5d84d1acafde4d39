// @vitest-environment jsdom
/**
 * The settings panel is drawn from core's descriptions of the settings: each
 * field shows its described label and help, and refuses exactly what the
 * schema refuses, with the range in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUGMENTATION_FIELDS,
  numberProblem,
  TRAINING_FIELDS,
  WEIGHT_DECAY_FIELDS,
} from '../../core/train/setting-fields';
import { parseTrainingSettings, type TrainingSettings } from '../../core/train/settings';
import { SettingsPanel } from '../../renderer/training/view/SettingsPanel';
import { render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

function mount(onChange: (settings: TrainingSettings) => void = () => undefined) {
  mounted = render(
    <SettingsPanel settings={parseTrainingSettings({})} summary={null} images disabled={false} onChange={onChange} />,
  );
  return mounted;
}

/** The label element whose caption is `text`. */
const fieldLabelled = (container: HTMLElement, text: string) =>
  [...container.querySelectorAll('label')].find((label) => label.querySelector('span')?.textContent === text);

describe('the settings panel', () => {
  it('shows every described setting with its label and help', () => {
    const { container } = mount();
    const shown = [...Object.values(TRAINING_FIELDS), WEIGHT_DECAY_FIELDS.l2, ...Object.values(AUGMENTATION_FIELDS)];
    for (const setting of shown) {
      const label = fieldLabelled(container, setting.label);
      expect(label, setting.label).toBeDefined();
      expect(label!.title).toBe(setting.help);
    }
  });

  it('refuses a value out of a setting’s range with the range in words, and passes one inside it on', () => {
    const changes: TrainingSettings[] = [];
    const { byTestId, container } = mount((settings) => changes.push(settings));
    typeInto(byTestId('train-validation'), '1');
    expect(byTestId('train-validation')?.getAttribute('aria-invalid')).toBe('true');
    expect(container.textContent).toContain(numberProblem(TRAINING_FIELDS.validationSplit, 1)!);
    expect(changes).toEqual([]);
    typeInto(byTestId('augment-crop'), '4');
    expect(changes.at(-1)?.augmentation.crop).toBe(4);
    typeInto(byTestId('train-seed'), '');
    expect(changes.at(-1)?.seed).toBeUndefined();
    expect((byTestId('train-seed') as HTMLInputElement).placeholder).toBe(TRAINING_FIELDS.seed.whenEmpty);
  });
});
