/**
 * Serving the built renderer over the `app://netcanvas/` scheme instead of
 * `file://`: pages get a real origin for the CSP and for IPC sender checks,
 * and a request can never reach a file outside the renderer folder.
 */
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The content type for a file name (unknown types as bytes). */
export const contentType = (file: string): string =>
  TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * The file under `root` that `url` asks for, or null for anything outside it
 * (`..`, encoded slashes, another host). `/` serves `index.html`.
 */
export function resolveAppFile(root: string, url: string, host = 'netcanvas'): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host !== host) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const inside = path.relative(path.resolve(root), resolved);
  return inside.startsWith('..') || path.isAbsolute(inside) ? null : resolved;
}
