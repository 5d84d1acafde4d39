/** Entry point of the renderer, in Electron and in a browser alike. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './App';
import { getBridge } from './bridge';
import { EditorStore } from './state/editor-store';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={new EditorStore()} bridge={getBridge()} />
  </StrictMode>,
);
