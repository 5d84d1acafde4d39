import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { PROJECT_EXTENSION } from '../../core/formats/project-file';

const config = JSON.parse(readFileSync('electron-builder.json', 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('electron-builder configuration', () => {
  it('builds Linux AppImage and deb, Windows NSIS and macOS dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.appId).toBe('org.netcanvas.app');
  });

  it('associates the project file extension the app writes', () => {
    expect(`.${config.fileAssociations[0].ext}`).toBe(PROJECT_EXTENSION);
  });

  it('packages the bundled main process the package.json names, and an icon of at least 512×512', () => {
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(config.files).toContain('dist/electron/**');
    expect(config.files).toContain('dist/renderer/**');
    const icon = PNG.sync.read(readFileSync(config.linux.icon));
    expect(Math.min(icon.width, icon.height)).toBeGreaterThanOrEqual(512);
  });
});
