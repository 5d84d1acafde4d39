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

/**
 * The message of an error a bridge call rejected with, without the prefix
 * Electron adds to errors from the main process
 * (`Error invoking remote method 'netcanvas:…': PayloadError: `).
 */
export function bridgeErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
}
