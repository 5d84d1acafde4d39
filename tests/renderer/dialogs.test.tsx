// @vitest-environment jsdom
/**
 * The dialogs as a keyboard user meets them (focus goes in, stays in, comes
 * back), and the web build's Save, which asks for a file name before the
 * download (with the real store and the real save command; only the host's
 * file writing is a recording bridge, since a page has nothing else to write with).
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetCanvasBridge, SaveProjectRequest } from '../../electron/contract';
import { Modal } from '../../renderer/chrome/Modal';
import { SaveNameDialog, UnsavedDialog } from '../../renderer/chrome/FileDialogs';
import { EditorStore, isDirty } from '../../renderer/state/editor-store';
import { fileNameProblem, projectFileName, saveProject } from '../../renderer/state/file-commands';
import { parseProjectFile } from '../../core/formats/project-file';
import { getTemplate } from '../../templates/index';
import { inAct, render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
  document.body.replaceChildren();
});

const press = (key: string, shiftKey = false) =>
  act(() => {
    (document.activeElement ?? document.body).dispatchEvent(
      new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }),
    );
  });

describe('a dialog', () => {
  it('takes focus, keeps Tab inside, closes on Escape and gives focus back to the button that opened it', () => {
    const opener = document.createElement('button');
    opener.textContent = 'Help';
    document.body.append(opener);
    opener.focus();
    let closed = 0;
    mounted = render(
      <Modal label="Test" title="Test" testId="test-dialog" onClose={() => closed++}>
        <button data-testid="one">One</button>
        <button data-testid="two">Two</button>
      </Modal>,
    );
    const close = mounted.byTestId('test-dialog-close');
    const two = mounted.byTestId('two');
    // Focus starts on the first control (the close button in the head).
    expect(document.activeElement).toBe(close);
    // Shift+Tab from the first goes round to the last; Tab from the last back to the first.
    press('Tab', true);
    expect(document.activeElement).toBe(two);
    press('Tab');
    expect(document.activeElement).toBe(close);
    press('Escape');
    expect(closed).toBe(1);
    mounted.unmount();
    mounted = undefined;
    expect(document.activeElement).toBe(opener);
  });

  it('starts on the control marked for it: "Save first" when asked about unsaved changes', () => {
    mounted = render(
      <UnsavedDialog
        title="Untitled"
        action="start a new design"
        onSave={() => undefined}
        onDiscard={() => undefined}
        onCancel={() => undefined}
      />,
    );
    expect(mounted.byTestId('unsaved-dialog')?.textContent).toContain(
      '“Untitled” has changes that are not saved. Save them before you start a new design?',
    );
    expect(document.activeElement).toBe(mounted.byTestId('unsaved-save'));
  });
});

/** A web host that records what it was asked to save. */
function recordingWebBridge(saved: SaveProjectRequest[]): NetCanvasBridge {
  const save = async (request: SaveProjectRequest) => {
    saved.push(request);
    return { status: 'saved' as const, name: request.suggestedName };
  };
  return { host: 'web', saveProject: save, saveProjectAs: save } as unknown as NetCanvasBridge;
}

describe("the web build's Save", () => {
  it('asks for a file name for a design that has none, then saves under it and runs what waited', async () => {
    const store = new EditorStore();
    store.load(getTemplate('lenet5').build(), null, undefined, false);
    const saved: SaveProjectRequest[] = [];
    const bridge = recordingWebBridge(saved);
    let after = 0;
    await saveProject(store, bridge, { then: () => after++ });
    // Nothing written yet: the question is out.
    expect(saved).toEqual([]);
    expect(store.getState().pendingSave?.suggestedName).toBe('Untitled.netcanvas.json');

    let chosen = '';
    mounted = render(
      <SaveNameDialog
        suggestedName={store.getState().pendingSave?.suggestedName ?? ''}
        onSave={(name) => (chosen = name)}
        onCancel={() => undefined}
      />,
    );
    const field = mounted.byTestId('save-name') as HTMLInputElement;
    expect(document.activeElement).toBe(field);
    typeInto(field, 'bad/name');
    inAct(() => mounted?.byTestId('save-name-save')?.click());
    expect(mounted.byTestId('save-name-error')?.textContent).toBe('A file name cannot contain "/".');
    expect(chosen).toBe('');
    typeInto(field, 'my lenet');
    inAct(() => mounted?.byTestId('save-name-save')?.click());
    expect(chosen).toBe('my lenet.netcanvas.json');

    await saveProject(store, bridge, { then: store.getState().pendingSave?.then, name: chosen });
    expect(saved.map((r) => r.suggestedName)).toEqual(['my lenet.netcanvas.json']);
    expect(parseProjectFile(saved[0].text).graph.nodes.length).toBe(getTemplate('lenet5').build().nodes.length);
    expect(store.getState().pendingSave).toBeNull();
    expect(store.getState().fileName).toBe('my lenet.netcanvas.json');
    expect(isDirty(store.getState())).toBe(false);
    expect(after).toBe(1);

    // Saved once under a name, Save keeps it; Save As asks again.
    await saveProject(store, bridge);
    expect(saved.map((r) => r.suggestedName)).toEqual(['my lenet.netcanvas.json', 'my lenet.netcanvas.json']);
    await saveProject(store, bridge, { saveAs: true });
    expect(saved.length).toBe(2);
    expect(store.getState().pendingSave?.suggestedName).toBe('my lenet.netcanvas.json');
  });

  it('names files as the project format expects, and refuses names a file system cannot take', () => {
    expect(projectFileName('lenet')).toBe('lenet.netcanvas.json');
    expect(projectFileName(' lenet.netcanvas.json ')).toBe('lenet.netcanvas.json');
    expect(fileNameProblem('  ')).toBe('Give the file a name.');
    expect(fileNameProblem('a:b')).toBe('A file name cannot contain ":".');
    expect(fileNameProblem('résumé net')).toBeNull();
  });
});
