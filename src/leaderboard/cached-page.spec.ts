import { gunzipSync, brotliDecompressSync } from 'zlib';
import { cacheControlFor, CachedPage, etagMatches, negotiateEncoding } from './cached-page';

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['gzip, deflate', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0', 'identity'],
    ['gzip;q=0, *', 'br'],
    ['br;q=0, *;q=0.1', 'gzip'],
    ['identity', 'identity'],
    ['deflate', 'identity'],
    ['GZIP', 'gzip'],
    ['x-gzip', 'gzip'],
    ['br;q=abc', 'identity'],
  ])('%s → %s', (header, coding) => expect(negotiateEncoding(header)).toBe(coding));
});

describe('etagMatches', () => {
  it('compares weakly, in lists, and takes *', () => {
    expect(etagMatches('"abc"', '"abc"')).toBe(true);
    expect(etagMatches('W/"abc"', '"abc"')).toBe(true);
    expect(etagMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(etagMatches('*', '"abc"')).toBe(true);
    expect(etagMatches('"abc-gzip"', '"abc"')).toBe(false);
    expect(etagMatches(undefined, '"abc"')).toBe(false);
  });
});

describe('cacheControlFor', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  it('lets caches keep a page until the next generation is due, then revalidate', () => {
    expect(cacheControlFor(at, 600, at.getTime() + 100_000)).toBe('public, max-age=500, must-revalidate');
    expect(cacheControlFor(at, 600, at.getTime() + 700_000)).toBe('public, max-age=0, must-revalidate');
    expect(cacheControlFor(at, 600, at.getTime() - 50_000)).toBe('public, max-age=600, must-revalidate');
    expect(cacheControlFor(null, 600, at.getTime())).toBe('no-cache');
  });
});

describe('CachedPage', () => {
  const json = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ rank: i + 1, address: `0x${i}`.padEnd(42, 'a') })) });

  it('builds each compressed variant once, decoding to the same bytes, with its own ETag', async () => {
    const page = new CachedPage(json, new Date());
    const identity = page.ready('identity')!;
    expect(identity.body.toString()).toBe(json);
    expect(page.ready('gzip')).toBeNull();
    const [a, b] = await Promise.all([page.build('gzip'), page.build('gzip')]);
    expect(a).toBe(b);
    expect(page.ready('gzip')).toBe(a);
    expect(gunzipSync(a.body).toString()).toBe(json);
    const br = await page.build('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(json);
    expect(new Set([identity.etag, a.etag, br.etag]).size).toBe(3);
    expect(new CachedPage(json, null).ready('identity')!.etag).toBe(identity.etag); // content hash: same on every replica
  });

  it('sends small pages as they are', () => {
    const page = new CachedPage('{"items":[]}', null);
    expect(page.ready('br')!.coding).toBe('identity');
  });
});
