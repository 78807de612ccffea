import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, extname, join } from 'path';

/** One file the dashboard serves, held in memory (the whole dashboard is ~150 KiB). */
export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

export interface DashboardAssetSet {
  /** index.html, served at `/dashboard`; null when the build did not copy it. */
  page: Buffer | null;
  /** Everything under `/dashboard/assets/<name>`, by name. */
  assets: ReadonlyMap<string, DashboardAsset>;
  /** What could not be loaded (logged at boot; the page answers 503 without index.html). */
  missing: string[];
}

/**
 * Third-party browser files served from node_modules (runtime dependencies, so the production
 * image has them): the Socket.IO client as an ES module and uPlot, the chart.
 */
export const VENDOR_FILES: Readonly<Record<string, { pkg: string; file: string }>> = {
  'socket.io.esm.min.js': { pkg: 'socket.io-client', file: 'dist/socket.io.esm.min.js' },
  'uPlot.iife.min.js': { pkg: 'uplot', file: 'dist/uPlot.iife.min.js' },
  'uPlot.min.css': { pkg: 'uplot', file: 'dist/uPlot.min.css' },
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** A flat file name: no directories, no dot files, nothing a URL could turn into a path trick. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isAssetName(name: string): boolean {
  return ASSET_NAME.test(name) && !name.includes('..');
}

/** The Content-Type for a file name, or null for a type the dashboard does not serve. */
export function contentTypeOf(name: string): string | null {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? null;
}

/** Where a package is installed (its package.json's directory), for the vendor files. */
export function packageDir(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

/**
 * Reads the dashboard's own files (`publicDir`, flat) and the vendor files into memory. Files
 * with an unknown type or an odd name are skipped; `missing` lists what was expected but absent.
 */
export function loadDashboardAssets(publicDir: string, resolvePackage: (pkg: string) => string = packageDir): DashboardAssetSet {
  const assets = new Map<string, DashboardAsset>();
  const missing: string[] = [];
  let page: Buffer | null = null;

  let names: string[] = [];
  try {
    names = readdirSync(publicDir);
  } catch {
    missing.push(publicDir);
  }
  for (const name of names) {
    const path = join(publicDir, name);
    const type = contentTypeOf(name);
    if (!isAssetName(name) || type === null || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    if (name === 'index.html') page = body;
    else assets.set(name, { body, contentType: type });
  }
  if (page === null && !missing.includes(publicDir)) missing.push(join(publicDir, 'index.html'));

  for (const [name, { pkg, file }] of Object.entries(VENDOR_FILES)) {
    try {
      assets.set(name, { body: readFileSync(join(resolvePackage(pkg), file)), contentType: contentTypeOf(name) as string });
    } catch {
      missing.push(`${pkg}/${file}`);
    }
  }
  return { page, assets, missing };
}
