import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('advisory-lock keys', () => {
  it('are distinct: a shared key makes one job skip its turn whenever the other runs', () => {
    // Every key is a 727xxx literal written once, where its job is (a constant or the query itself).
    const files = new Map<number, string[]>();
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b727_?(\d{3})\b/g)) {
        const key = 727_000 + Number(m[1]);
        files.set(key, [...(files.get(key) ?? []), relative(SRC, file)]);
      }
    }
    expect(files.size).toBeGreaterThanOrEqual(6);
    expect([...files].filter(([, where]) => where.length > 1)).toEqual([]);
  });
});
