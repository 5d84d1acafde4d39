/**
 * The one place the renderer reaches its host: the desktop shell's
 * `window.netcanvas` (set by the preload script) when present, otherwise the
 * web implementation (file pickers and downloads).
 */
import type { NetCanvasBridge } from '../electron/contract';
import { webBridge } from './web-bridge';

/** The bridge for this host. */
export function getBridge(): NetCanvasBridge {
  return (typeof window !== 'undefined' && window.netcanvas) || webBridge;
}
