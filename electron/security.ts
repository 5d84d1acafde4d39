/**
 * The security rules of the desktop shell, following Electron's security
 * checklist, as plain data and functions so unit tests can assert them. The
 * window's `webPreferences` are written out in `main.ts` itself.
 */

/** The scheme and host the app's own pages are served from (a custom protocol, never http). */
export const APP_ORIGIN = 'app://netcanvas';

/**
 * The Content-Security-Policy of the app's pages: our own scripts only; wasm
 * compilation for the tfjs wasm backend; blob: workers for training, and
 * blob: scripts in them (tfjs's threaded wasm build starts each of its
 * threads as a blob: worker that loads the module from a blob: script, and a
 * worker inherits this policy); images from data:/blob: for dataset
 * previews; no network at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' blob: data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Headers that make the app's pages cross-origin isolated
 * (`crossOriginIsolated`): only then may workers share memory, which tfjs's
 * threaded wasm build needs to train on every core. The app loads nothing
 * from another origin, so requiring CORP of every resource costs nothing.
 * Sent by the app:// protocol and by Vite's dev and preview servers; a static
 * server hosting the web build should send them too (without them, wasm
 * trains on one thread).
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

/** Whether `url` is one of the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * Whether an IPC message comes from our own top-level frame: the sender's URL
 * must be an app page and the frame must be the main frame (no iframes).
 */
export function isTrustedSender(senderUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && typeof senderUrl === 'string' && isAppUrl(senderUrl);
}

/** Every navigation away from the loaded page is refused; the app is a single page. */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** Permission requests (camera, notifications, geolocation, ...) are all denied. */
export function allowPermission(_permission: string): boolean {
  return false;
}
