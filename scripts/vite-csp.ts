/**
 * Puts the app's Content-Security-Policy into the built `index.html` as a
 * meta tag, so the web build runs under the same policy the desktop shell
 * sends as a header (electron/security.ts holds the one policy). Only the
 * build gets it: Vite's dev server injects inline scripts the policy forbids.
 */
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../electron/security';

/** The policy as a meta tag can carry it: browsers ignore `frame-ancestors` there (the desktop header keeps it). */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');

/** `html` with the policy as the first element of `<head>`. */
export function injectContentSecurityPolicy(html: string): string {
  if (!html.includes('<head>')) throw new Error('index.html has no <head> to put the Content-Security-Policy in');
  return html.replace(
    '<head>',
    `<head>\n    <meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`,
  );
}

/** The Vite plugin that applies {@link injectContentSecurityPolicy} when building. */
export function contentSecurityPolicy(): Plugin {
  return {
    name: 'netcanvas-csp',
    apply: 'build',
    transformIndexHtml: { order: 'post', handler: injectContentSecurityPolicy },
  };
}
