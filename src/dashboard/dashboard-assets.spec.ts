import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { contentTypeOf, isAssetName, loadDashboardAssets, VENDOR_FILES } from './dashboard-assets';

describe('dashboard assets', () => {
  it('accepts flat file names only', () => {
    for (const ok of ['app.js', 'styles.css', 'uPlot.iife.min.js', 'socket.io.esm.min.js', 'favicon.svg']) expect(isAssetName(ok)).toBe(true);
    for (const bad of ['', '.env', '../main.js', 'a/b.js', 'a\\b.js', '..', 'x..js', '%2e%2e', 'a b.js', `${'a'.repeat(101)}.js`]) {
      expect(isAssetName(bad)).toBe(false);
    }
  });

  it('maps extensions to content types, and nothing else', () => {
    expect(contentTypeOf('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('styles.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('favicon.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('dashboard.module.ts')).toBeNull();
    expect(contentTypeOf('README')).toBeNull();
  });

  it('loads a public directory and the vendor files, skipping what it does not serve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-dash-'));
    const vendor = mkdtempSync(join(tmpdir(), 'ts-vendor-'));
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      writeFileSync(join(dir, 'app.js'), 'export {}');
      writeFileSync(join(dir, '.hidden.js'), 'no');
      writeFileSync(join(dir, 'notes.md'), 'no');
      mkdirSync(join(dir, 'sub.js'));
      for (const { file } of Object.values(VENDOR_FILES)) {
        mkdirSync(join(vendor, 'dist'), { recursive: true });
        writeFileSync(join(vendor, file), `/* ${file} */`);
      }
      const set = loadDashboardAssets(dir, () => vendor);
      expect(set.missing).toEqual([]);
      expect(set.page?.toString()).toBe('<!doctype html>');
      expect([...set.assets.keys()].sort()).toEqual(['app.js', ...Object.keys(VENDOR_FILES)].sort());
      expect(set.assets.get('uPlot.min.css')?.contentType).toBe('text/css; charset=utf-8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(vendor, { recursive: true, force: true });
    }
  });

  it('reports a missing build instead of throwing', () => {
    const set = loadDashboardAssets('/nonexistent/dashboard/public', () => '/nonexistent/pkg');
    expect(set.page).toBeNull();
    expect(set.missing).toContain('/nonexistent/dashboard/public');
    expect(set.missing).toContain('uplot/dist/uPlot.iife.min.js');
  });

  it('serves every file the real page and its modules reference', () => {
    const publicDir = join(__dirname, 'public');
    const set = loadDashboardAssets(publicDir);
    expect(set.missing).toEqual([]);
    const html = set.page!.toString();
    const fromHtml = [...html.matchAll(/(?:src|href)="dashboard\/assets\/([^"]+)"/g)].map((m) => m[1]);
    expect(fromHtml.length).toBeGreaterThanOrEqual(4);
    const imports: string[] = [];
    for (const [name, asset] of set.assets) {
      if (!name.endsWith('.js') || Object.hasOwn(VENDOR_FILES, name)) continue;
      const source = readFileSync(join(publicDir, name), 'utf8');
      imports.push(...[...source.matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]));
      // Data from the API is rendered as text: no HTML sinks in the dashboard's own code.
      expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
      expect(asset.contentType).toMatch(/javascript/);
    }
    expect(imports).toContain('socket.io.esm.min.js');
    for (const name of [...fromHtml, ...imports]) expect(set.assets.has(name)).toBe(true);
  });
});
