import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Electron cannot run here, so read the options `main.ts` really passes to
 * `new BrowserWindow(...)` from its syntax tree: the same literal that
 * electronegativity checks.
 */
function browserWindowWebPreferences(): Record<string, string> {
  const source = ts.createSourceFile('main.ts', readFileSync('electron/main.ts', 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Record<string, string>[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText() === 'BrowserWindow') {
      const options = node.arguments?.[0];
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const prop of options.properties) {
          if (
            ts.isPropertyAssignment(prop) &&
            prop.name.getText() === 'webPreferences' &&
            ts.isObjectLiteralExpression(prop.initializer)
          ) {
            const prefs: Record<string, string> = {};
            for (const p of prop.initializer.properties)
              if (ts.isPropertyAssignment(p)) prefs[p.name.getText()] = p.initializer.getText();
            found.push(prefs);
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the desktop window', () => {
  it('isolates the renderer as Electron’s security checklist asks', () => {
    expect(browserWindowWebPreferences()).toMatchObject({
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      experimentalFeatures: 'false',
      webviewTag: 'false',
      preload: "path.join(__dirname, 'preload.cjs')",
    });
  });

  it('exposes only named bridge methods from the preload, never a raw send or invoke', () => {
    const preload = readFileSync('electron/preload.ts', 'utf8');
    expect(preload).toContain('contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge)');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\b/);
    // Every invoke names a CHANNEL constant, so no channel string can come from the page.
    for (const call of preload.match(/ipcRenderer\.(invoke|send|on)\(([^,)]+)/g) ?? [])
      expect(call).toMatch(/CHANNEL\.\w+$/);
  });
});
