import { mkdirSync } from 'fs';
import Redis from 'ioredis';
import { join } from 'path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { CopyKeys, encode } from '../../src/copy/copy-channels';
import { startSimulator } from '../../src/simulator';
import type { SimulatorHandle } from '../../src/simulator';
import { ADMIN_KEY, copyApi, CopyApi, createFollower, follow, waitForBaseline } from '../copy/support';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ROOT } from '../support/env';
import { randomAddress } from '../support/events';
import { waitFor } from '../support/process';
import { createTestRedis } from '../support/redis';
import { launchChromium, openDashboard } from './browser';

const ARTIFACTS = join(ROOT, 'artifacts');
const COINS = ['BTC', 'ETH', 'SOL'];
/** A leader's trade → the follower's journal row in the page (engine, Redis, Socket.IO, render). */
const LIVE_DEADLINE_MS = 15_000;

/**
 * The dashboard's Copy panel in headless Chromium against the real app (ROLE=all: api, the copy
 * engine, the live engine) and the simulator: a paper follower of a scripted leader, opened from
 * the URL fragment, shows the copied position as desired vs actual, a journal row arriving live
 * when the leader trades, the equity chart and alerts; the token never leaves the tab's storage.
 */
describe('dashboard Copy panel (#/copy) in headless Chromium', () => {
  let sim: SimulatorHandle;
  let db: TestDatabase;
  let app: TestApp;
  let api: CopyApi;
  let redisUrl: string;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  let follower: { id: string; token: string };
  const problems: string[] = [];
  const leader = randomAddress();
  const other = randomAddress();
  const trade = (coin: string, sz: string, leaderBuys: boolean) =>
    sim.control.trade({ coin, buyer: leaderBuys ? leader : other, seller: leaderBuys ? other : leader, sz });
  const open = (path: string, viewport = { width: 1440, height: 1000 }, expected?: RegExp) =>
    openDashboard(browser, `${app.url}${path}`, problems, viewport, expected);
  /** The page's desired and actual size of a coin (0 when the row is absent). */
  const sizes = async (page: Page, coin: string) => {
    const row = page.locator(`#cp-positions tbody tr[data-coin="${coin}"]`);
    if ((await row.count()) === 0) return { desired: 0, actual: 0 };
    return { desired: Number(await row.getAttribute('data-desired')), actual: Number(await row.getAttribute('data-actual')) };
  };
  const evaluate = async <T>(page: Page, js: string) => (await page.evaluate(js)) as T;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const launched = await launchChromium();
    browser = launched.browser;
    closeBrowser = launched.close;
    sim = await startSimulator({ seed: 11, traders: 10, coins: COINS, tradeRate: 0, weightPerMinute: 100_000 });
    db = await createTestDatabase();
    redisUrl = (await createTestRedis()).url;
    app = await startTestApp({
      ROLE: 'all',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      HYPERLIQUID_API_URL: sim.httpUrl,
      WEBSOCKET_URL: sim.wsUrl,
      RATE_LIMIT_WEIGHT_PER_MINUTE: '100000',
      THROTTLE_LIMIT_PER_MINUTE: '100000',
      TRACKING_INTERVAL_SECONDS: '3',
      ADMIN_API_KEY: ADMIN_KEY,
      COPY_RECONCILE_SECONDS: '2',
    });
    api = copyApi(app.url);
    await waitFor(async () => sim.control.stats().ws.subscriptions >= COINS.length, 20_000);
    // The leader's first trade makes it known; tracking then baselines it; then it is flat again.
    trade('SOL', '1', true);
    await waitForBaseline(db.url, leader);
    trade('SOL', '1', false);
    await waitFor(async () => {
      const res = await request(app.url).get(`/api/v1/traders/${leader}/positions`);
      return res.status === 200 && (res.body.positions as unknown[]).length === 0;
    }, 20_000);
    follower = await createFollower(api, { address: randomAddress(), mode: 'paper', name: 'browser' });
    const followed = await follow(api, follower, { leader, sizing: 'fixed_ratio', ratio: 0.1, coins_allow: ['ETH', 'SOL'] });
    expect(followed.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await closeBrowser?.();
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('opens a follower from the URL fragment and shows the copy as it happens: desired vs actual, the journal live, equity, alerts', async () => {
    const urls: string[] = [];
    const page = await open(`/dashboard#follower=${follower.id}&token=${follower.token}`);
    page.on('request', (req) => urls.push(req.url()));
    await page.waitForSelector('#copy:not([hidden]) #cp-body:not([hidden])', { timeout: 10_000 });
    await page.waitForSelector('#cp-room >> text=arrive live', { timeout: 10_000 });
    await expect(page.locator('#cp-summary').textContent()).resolves.toContain(`#${follower.id} browser`);

    // The token left the address bar; it is in this tab's sessionStorage only.
    expect(await evaluate(page, 'location.hash')).toBe('#/copy');
    expect(await evaluate<string>(page, 'location.href')).not.toContain(follower.token);
    expect(await evaluate<string>(page, `sessionStorage.getItem('traderscout.copy.follower')`)).toContain(follower.token);
    expect(await evaluate(page, 'localStorage.length')).toBe(0);
    expect(await evaluate(page, 'document.cookie')).toBe('');

    // The leader opens 2 ETH: fixed_ratio 0.1 → 0.2 ETH desired and held; the row arrives live.
    trade('ETH', '2', true);
    const filledRow = page.locator('#cp-orders tbody tr[data-coin="ETH"][data-origin="live"][data-status="filled"]');
    await filledRow.waitFor({ timeout: LIVE_DEADLINE_MS });
    await expect(filledRow.textContent()).resolves.toContain('open');
    await waitFor(async () => {
      const s = await sizes(page, 'ETH');
      return Math.abs(s.desired - 0.2) < 1e-9 && Math.abs(s.actual - 0.2) < 1e-9;
    }, 20_000, 200).catch(async (err: Error) => {
      throw new Error(`ETH desired/actual ${JSON.stringify(await sizes(page, 'ETH'))}: ${err.message}`);
    });
    await expect(page.locator('#cp-positions tbody tr[data-coin="ETH"]').textContent()).resolves.toContain('+0.2');

    // An increase, then a partial decrease: each a new live row, sizes following.
    trade('ETH', '1', true);
    await page.locator('#cp-orders tbody tr[data-origin="live"][data-status="filled"]', { hasText: 'increase' }).waitFor({ timeout: LIVE_DEADLINE_MS });
    trade('ETH', '2', false);
    await page.locator('#cp-orders tbody tr[data-origin="live"][data-status="filled"]', { hasText: 'decrease' }).waitFor({ timeout: LIVE_DEADLINE_MS });
    await waitFor(async () => Math.abs((await sizes(page, 'ETH')).actual - 0.1) < 1e-9, 20_000, 200);

    // A decision under $10 (0.05 SOL): a skipped row and a live alert with the reason.
    trade('SOL', '0.5', true);
    await page.locator('#cp-orders tbody tr[data-coin="SOL"][data-status="skipped"]').waitFor({ timeout: LIVE_DEADLINE_MS });
    await page.locator('#cp-alerts li[data-kind="skipped"]').first().waitFor({ timeout: LIVE_DEADLINE_MS });

    // Equity: the engine records a point per valuation; the chart draws from the second one.
    await page.waitForSelector('#cp-chart canvas', { timeout: 40_000 });
    const box = await page.locator('#cp-chart canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(150);
    await expect(page.locator('#cp-chart-status').textContent()).resolves.toMatch(/\d+ points/);
    await expect(page.locator('#cp-perf').textContent()).resolves.toContain('Trade → order');

    // Text from outside (coins, errors, messages) is shown as text: nothing it contains runs.
    const hostile = '<img src=x onerror="window.__xss=1">';
    const redis = new Redis(redisUrl);
    try {
      const now = new Date().toISOString();
      await redis.publish(
        CopyKeys.eventsChannel,
        encode({ type: 'copy_alert', follower_id: follower.id, data: { follower_id: follower.id, kind: 'rejected', message: hostile, timestamp: now } }),
      );
      const row = (await request(app.url).get(`/api/v1/copy/followers/${follower.id}/orders?limit=1`).set(api.bearer(follower.token))).body.items[0];
      await redis.publish(
        CopyKeys.eventsChannel,
        encode({ type: 'copy_order', follower_id: follower.id, data: { ...row, cloid: `0x${'ab'.repeat(16)}`, id: '999999', coin: hostile, error: hostile } }),
      );
    } finally {
      redis.disconnect();
    }
    await page.locator('#cp-alerts li[data-kind="rejected"]', { hasText: hostile }).waitFor({ timeout: 10_000 });
    await page.locator(`#cp-orders tbody tr[data-cloid="0x${'ab'.repeat(16)}"]`, { hasText: hostile }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#copy img').count()).toBe(0);
    expect(await evaluate(page, 'window.__xss === undefined')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-copy.png'), fullPage: true });

    // No request carried the token in its URL (it goes as a Bearer header).
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((u) => u.includes(follower.token))).toEqual([]);

    // A reload keeps the follower (same tab); Forget removes it.
    await page.reload();
    await page.waitForSelector('#cp-body:not([hidden]) #cp-orders tbody tr[data-coin="ETH"]', { timeout: 10_000 });
    await page.click('#cp-forget');
    await page.waitForSelector('#cp-body[hidden]', { state: 'attached' });
    expect(await evaluate(page, `sessionStorage.getItem('traderscout.copy.follower')`)).toBeNull();
    await page.close();
  }, 180_000);

  it('refuses a wrong token with a message and keeps nothing; a token-free fragment asks for the token', async () => {
    // The browser logs the provoked 403 itself: that line is expected here, nothing else is.
    const page = await open(`/dashboard#follower=${follower.id}`, { width: 1280, height: 900 }, /status of 403/);
    await page.waitForSelector('#copy:not([hidden])');
    await page.waitForSelector(`#cp-room >> text=Enter the token of follower #${follower.id}`);
    await expect(page.locator('#cp-form input[name="follower"]').inputValue()).resolves.toBe(follower.id);
    await page.fill('#cp-form input[name="token"]', 'tsf_not-the-token');
    await page.press('#cp-form input[name="token"]', 'Enter');
    await page.waitForSelector(`#cp-error >> text=that token does not open follower #${follower.id}`, { timeout: 10_000 });
    expect(await page.locator('#cp-body').isHidden()).toBe(true);
    expect(await evaluate(page, `sessionStorage.getItem('traderscout.copy.follower')`)).toBeNull();

    // The right one, typed in, opens it.
    await page.fill('#cp-form input[name="token"]', follower.token);
    await page.click('#cp-form button[type="submit"]');
    await page.waitForSelector('#cp-body:not([hidden]) #cp-positions tbody tr[data-coin="ETH"]', { timeout: 10_000 });
    await expect(page.locator('#cp-form input[name="token"]').inputValue()).resolves.toBe('');
    await page.close();
  }, 60_000);

  it('fits a phone (375 px) without horizontal overflow', async () => {
    const page = await open(`/dashboard#follower=${follower.id}&token=${follower.token}`, { width: 375, height: 740 });
    await page.waitForSelector('#cp-body:not([hidden]) #cp-positions tbody tr[data-coin="ETH"]', { timeout: 10_000 });
    await page.waitForSelector('#cp-chart canvas', { timeout: 20_000 });
    expect(await evaluate(page, 'document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-copy-phone.png'), fullPage: true });
    await page.close();
  }, 60_000);

  it('logged no page errors, console errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
