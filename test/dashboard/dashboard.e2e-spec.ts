import { mkdirSync } from 'fs';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ROOT } from '../support/env';
import { createTestRedis } from '../support/redis';
import { TestEvents, TestTrader, testCoin } from '../support/trade-events';
import { launchChromium, openDashboard } from './browser';
import { seedBoard } from './seed';

const ARTIFACTS = join(ROOT, 'artifacts');
const FEED_DEADLINE_MS = 5000;
/** How long the page may take to show what the server acknowledged (a loaded CI machine is slow to render; not a speed target). */
const UI_TIMEOUT_MS = 15_000;

/**
 * The dashboard in a real browser (Debian's Chromium, headless, through playwright-core) against
 * the api role: a seeded database with a real leaderboard run, and position changes stored and
 * published on Redis exactly as the live engine does.
 */
describe('dashboard (/dashboard) in headless Chromium', () => {
  let db: TestDatabase;
  let app: TestApp;
  let events: TestEvents;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  let traders: TestTrader[];
  let star: TestTrader;
  const problems: string[] = [];

  const open = (viewport: { width: number; height: number }, path = '/dashboard'): Promise<Page> => openDashboard(browser, `${app.url}${path}`, problems, viewport);
  const liveConnected = (page: Page) => page.waitForSelector('#conn.ok', { timeout: 10_000 });
  const feedItem = (page: Page, id: number) => page.locator(`#feed-list li[data-id="${id}"]`);
  // Browser-side code as strings: the project compiles without the DOM library.
  const noHorizontalOverflow = async (page: Page) => (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const launched = await launchChromium();
    browser = launched.browser;
    closeBrowser = launched.close;
    db = await createTestDatabase();
    const redis = await createTestRedis();
    app = await startTestApp({ ROLE: 'api', DATABASE_URL: db.url, REDIS_URL: redis.url, THROTTLE_LIMIT_PER_MINUTE: '100000' });
    events = await TestEvents.open(db.url, redis.url);
    ({ traders, star } = await seedBoard(events, app.app.get(DataSource), app.config));
  });

  afterAll(async () => {
    await closeBrowser?.();
    await events?.close();
    await app?.close();
    await db?.drop();
  });

  it('is served by the api role, linked from /, documented, with its assets', async () => {
    const root = await request(app.url).get('/').expect(200);
    expect(root.body.dashboard).toBe('/dashboard');
    const page = await request(app.url).get('/dashboard').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('dashboard/assets/app.js');
    await request(app.url).get('/dashboard/').expect(301).expect('location', '../dashboard');
    for (const [file, type] of [
      ['app.js', /javascript/],
      ['styles.css', /css/],
      ['socket.io.esm.min.js', /javascript/],
      ['uPlot.iife.min.js', /javascript/],
    ] as const) {
      const res = await request(app.url).get(`/dashboard/assets/${file}`).expect(200);
      expect(res.headers['content-type']).toMatch(type);
      await request(app.url).get(`/dashboard/assets/${file}`).set('if-none-match', res.headers.etag).expect(304);
    }
    await request(app.url).get('/dashboard/assets/nope.js').expect(404);
    await request(app.url).get('/dashboard/assets/..%2Fdashboard.module.js').expect(404);
    const docs = (await request(app.url).get('/docs-json').expect(200)).body;
    expect(docs.paths['/dashboard'].get).toBeDefined();
    expect(docs.paths['/dashboard/assets/{file}'].get).toBeDefined();
  });

  it('renders the leaderboard and the system panel, shows a scripted position change live within 5 s, filters the feed', async () => {
    const page = await open({ width: 1440, height: 1000 });
    await page.waitForSelector('#lb-table tbody tr[data-address]', { timeout: 10_000 });
    const rows = await page.locator('#lb-table tbody tr[data-address]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-address')));
    expect(rows.sort()).toEqual(traders.map((t) => t.address).sort());
    await expect(page.locator('#lb-page').textContent()).resolves.toContain(`${traders.length} traders`);
    await page.waitForSelector('#system-stats .stat >> text=Traders discovered', { timeout: 10_000 });
    await expect(page.locator('#system-stats').textContent()).resolves.toContain('Weight budget');
    await liveConnected(page);

    // A position change, stored then published on Redis as the live engine does.
    const coin = testCoin('SOL');
    const started = Date.now();
    const event = await events.emit(star, { coin, previous: '0', current: '25', eventType: 'position_opened' });
    await feedItem(page, event.id).waitFor({ timeout: FEED_DEADLINE_MS });
    const latency = Date.now() - started;
    expect(latency).toBeLessThan(FEED_DEADLINE_MS);
    await expect(feedItem(page, event.id).getAttribute('data-origin')).resolves.toBe('live');
    await expect(feedItem(page, event.id).textContent()).resolves.toContain(coin);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // Sorting from a column header (a button) re-orders the rows.
    await page.locator('#lb-table thead button[data-sort="trades_count"]').click();
    await page.waitForSelector('#lb-table th[aria-sort="descending"] button[data-sort="trades_count"]');
    // The seed gives the last trader the most trades.
    await page.locator(`#lb-table tbody tr:first-child[data-address="${traders[traders.length - 1].address}"]`).waitFor({ timeout: UI_TIMEOUT_MS });

    // Coin filter: only that coin's events, from the server's subscription and the page's own filter.
    const wanted = testCoin('BTC');
    const other = testCoin('ETH');
    await page.fill('#feed-filters input[name="coins"]', wanted);
    await page.press('#feed-filters input[name="coins"]', 'Enter');
    await page.waitForSelector(`#feed-filter-state >> text=The server sends the events of 2 coins`, { timeout: UI_TIMEOUT_MS });
    const skipped = await events.emit(traders[0], { coin: other });
    const kept = await events.emit(traders[0], { coin: wanted });
    await feedItem(page, kept.id).waitFor({ timeout: FEED_DEADLINE_MS });
    await expect(feedItem(page, skipped.id).count()).resolves.toBe(0);
    await expect(feedItem(page, event.id).count()).resolves.toBe(0); // filtered out of the list too
    await page.click('#feed-clear');
    await page.waitForSelector('#feed-filter-state >> text=The server sends everything', { timeout: UI_TIMEOUT_MS });

    // leaderboard filters: a minimum no trader meets empties the table, with a message.
    await page.fill('#lb-filters input[name="min_trades"]', '1000');
    await page.waitForSelector('#lb-table td.empty >> text=No trader matches', { timeout: UI_TIMEOUT_MS });
    await page.close();
  });

  it('opens a trader page with its chart, positions and events from a leaderboard click', async () => {
    const page = await open({ width: 1280, height: 900 });
    await page.locator(`#lb-table tr[data-address="${star.address}"] a`).click();
    await page.waitForURL(`**/dashboard#/trader/${star.address}`);
    await page.waitForSelector('#tr-chart canvas', { timeout: 10_000 });
    await expect(page.locator('#tr-address').textContent()).resolves.toBe(star.address);
    await page.waitForSelector('#tr-positions tbody tr[data-coin="BTC"]');
    await expect(page.locator('#tr-positions tbody tr[data-coin="ETH"]').textContent()).resolves.toContain('short');
    await page.waitForSelector('#tr-events li[data-id]');
    expect(await page.locator('#tr-events li[data-id]').count()).toBeGreaterThanOrEqual(2);
    await expect(page.locator('#tr-summary').textContent()).resolves.toContain('Rank (all time)');
    const box = await page.locator('#tr-chart canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(150);

    // The copy backtest: run with the page's defaults at once, then with the settings picked in its form.
    await page.waitForSelector('#bt-summary dd[data-field="PnL"]', { timeout: UI_TIMEOUT_MS });
    await page.selectOption('#bt-form select[name="sizing"]', 'fixed_ratio');
    await page.fill('#bt-form input[name="amount"]', '0.5');
    await page.fill('#bt-form input[name="equity_usd"]', '20000');
    await page.selectOption('#bt-form select[name="window"]', 'all');
    await page.check('#bt-form input[name="copy_open_positions"]');
    const wanted = { leader: star.address, sizing: 'fixed_ratio', ratio: 0.5, equity_usd: 20_000, window: 'all', copy_open_positions: true };
    const backtest = (await request(app.url).post('/api/v1/copy/simulate').send(wanted).expect(200)).body;
    expect(backtest.orders).toBeGreaterThan(0);
    await page.click('#bt-form button[type="submit"]');
    await page.waitForSelector(`#bt-summary dd[data-field="Orders"] >> text="${backtest.orders}"`, { timeout: UI_TIMEOUT_MS });
    await page.waitForSelector('#bt-chart canvas', { timeout: UI_TIMEOUT_MS });
    await expect(page.locator('#bt-summary dd[data-field="Fees"]').textContent()).resolves.toBe(
      `$${backtest.fees_usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
    );
    await expect(page.locator('#bt-summary').textContent()).resolves.toContain('Max drawdown');
    await expect(page.locator('#bt-status').textContent()).resolves.toContain(`${backtest.leader_fills} fills replayed`);

    // A change of this trader while the page is open arrives in its event list.
    await liveConnected(page);
    const event = await events.emit(star, { coin: 'BTC', previous: '0.5', current: '0.75', eventType: 'position_increased' });
    await page.locator(`#tr-events li[data-id="${event.id}"]`).waitFor({ timeout: FEED_DEADLINE_MS });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-trader.png'), fullPage: true });

    // Back to the overview.
    await page.click('text=← Overview');
    await page.waitForSelector('#overview:not([hidden])');
    await page.close();
  });

  it('fits a phone (375 px) without horizontal overflow, and its filters work from the keyboard', async () => {
    const page = await open({ width: 375, height: 740 });
    await page.waitForSelector('#lb-table tbody tr[data-address]', { timeout: 10_000 });
    await liveConnected(page);
    expect(await noHorizontalOverflow(page)).toBe(true);

    // Tab through the page from the top: every filter control takes focus.
    const reached = new Set<string>();
    for (let i = 0; i < 80 && !reached.has('coins'); i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(`(() => {
        const el = document.activeElement;
        return el ? el.getAttribute('name') || el.id || el.tagName : '';
      })()`);
      reached.add(String(name));
    }
    for (const control of ['window', 'sort_by', 'order', 'min_trades', 'min_volume_usd', 'limit', 'traders', 'coins']) {
      expect([...reached]).toContain(control);
    }
    // Focus is on the coin filter: type and submit with Enter.
    const coin = testCoin('ARB');
    await page.keyboard.type(coin);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`#feed-filter-state >> text=coin ${coin.toUpperCase()}`, { timeout: UI_TIMEOUT_MS });
    const event = await events.emit(traders[1], { coin });
    await feedItem(page, event.id).waitFor({ timeout: FEED_DEADLINE_MS });
    expect(await noHorizontalOverflow(page)).toBe(true);

    // The window select, by keyboard: focused, another value picked with the arrow keys.
    await page.focus('#lb-filters select[name="window"]');
    await page.keyboard.press('ArrowUp');
    await expect(page.locator('#lb-filters select[name="window"]').inputValue()).resolves.toBe('30d');
    await page.locator('#lb-table[aria-busy]').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });

    await page.goto(`${app.url}/dashboard#/trader/${star.address}`);
    await page.waitForSelector('#tr-chart canvas', { timeout: 10_000 });
    expect(await noHorizontalOverflow(page)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone-trader.png'), fullPage: true });
    await page.close();
  });

  it('logged no page errors, console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
