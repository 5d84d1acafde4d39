/** A project or model.json dropped anywhere on the window opens (layers dragged from the palette are the canvas's). */
import { useEffect } from 'react';
import type { EditorStore } from './editor-store';
import { openDroppedFile } from './file-commands';

/** Opens files dropped on the window in `store`. */
export function useFileDrop(store: EditorStore): void {
  useEffect(() => {
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (carriesFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file) void file.text().then((text) => openDroppedFile(store, { name: file.name, text }));
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [store]);
}
