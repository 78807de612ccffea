// The trader page (#/trader/0x…): summary, account value / PnL chart, a copy backtest, open positions, events.
import { ApiError, getJson } from './api.js';
import { showBacktest, startBacktest } from './backtest.js';
import { $, ago, count, dateTime, debounce, decimal, fill, fullUsd, h, pct, signClass, size, usd } from './dom.js';
import { eventItem } from './event-item.js';
import { followTrader } from './feed.js';
import * as live from './live.js';

const RANGES = [
  { key: '1d', label: '1D', ms: 86_400_000 },
  { key: '7d', label: '7D', ms: 7 * 86_400_000 },
  { key: '30d', label: '30D', ms: 30 * 86_400_000 },
  { key: 'all', label: 'All', ms: null },
];
const EVENTS_PAGE = 25;

let current = null; // the address shown
let range = 'all';
let nextBefore = null;
let chart = null;
let resizeObserver = null;

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function kv(label, value, tone = '') {
  return h('div', {}, h('dt', {}, label), h('dd', { class: tone }, value));
}

function renderSummary(t) {
  const all = t.metrics?.all ?? null;
  fill(
    $('#tr-summary'),
    kv('Account value', fullUsd(t.account_value)),
    kv('Rank (all time)', t.rank ?? 'not ranked'),
    kv('Score', all ? decimal(all.trader_score, 3) : '—'),
    kv('Realized PnL', all ? usd(all.realized_pnl_usd) : '—', all ? signClass(all.realized_pnl_usd) : ''),
    kv('Win rate', all ? pct(all.win_rate) : '—'),
    kv('ROI', all ? pct(all.roi) : '—', all ? signClass(all.roi) : ''),
    kv('Trades seen', count(t.trades_seen)),
    kv('First seen', dateTime(t.first_seen_at)),
    kv('Last trade', t.last_seen_trading_at ? ago(t.last_seen_trading_at) : 'never'),
    kv('Last snapshot', t.last_tracked_at ? ago(t.last_tracked_at) : 'never'),
    kv('Kind', [t.is_vault ? 'vault' : t.role ?? 'user', t.is_active ? '' : ' (not tracked)'].join('')),
  );
  const windows = ['1d', '7d', '30d', 'all'];
  const rows = windows.map((w) => {
    const m = t.metrics?.[w];
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, w === 'all' ? 'All time' : w),
      h('td', { class: 'num' }, m ? m.rank ?? '—' : '—'),
      h('td', { class: 'num' }, m ? decimal(m.trader_score, 3) : '—'),
      h('td', { class: `num ${m ? signClass(m.realized_pnl_usd) : ''}` }, m ? usd(m.realized_pnl_usd) : '—'),
      h('td', { class: 'num' }, m ? pct(m.win_rate) : '—'),
      h('td', { class: 'num' }, m ? usd(m.total_volume_usd) : '—'),
      h('td', { class: 'num' }, m ? count(m.trades_count) : '—'),
    );
  });
  fill($('#tr-windows tbody'), rows);
  fill($('#tr-windows-note'), t.metrics?.computed_at ? `Leaderboard computed ${ago(t.metrics.computed_at)}.` : 'Not on a leaderboard yet.');
}

function renderPositions(p) {
  const open = (p.positions ?? []).filter((x) => Number(x.size) !== 0);
  const body = $('#tr-positions tbody');
  if (open.length === 0) {
    fill(body, h('tr', {}, h('td', { colspan: 5, class: 'empty' }, p.last_tracked_at ? 'No open positions.' : 'No snapshot yet.')));
  } else {
    fill(
      body,
      open.map((x) =>
        h(
          'tr',
          { dataset: { coin: x.coin } },
          h('th', { scope: 'row' }, x.coin),
          h('td', { class: x.side === 'short' ? 'neg' : 'pos' }, x.side),
          h('td', { class: 'num' }, size(Math.abs(Number(x.size)))),
          h('td', { class: 'num' }, x.entry_price ? size(x.entry_price) : '—'),
          h('td', { class: 'num', title: x.confirmed_at ? `confirmed by a snapshot ${ago(x.confirmed_at)}` : 'not yet confirmed by a snapshot' }, ago(x.updated_at)),
        ),
      ),
    );
  }
  fill($('#tr-positions-note'), p.last_tracked_at ? `Last snapshot ${ago(p.last_tracked_at)}; advanced by the trade stream since.` : '');
}

const axisUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });
const axisSigned = (v) => (v > 0 ? '+' : v < 0 ? '−' : '') + axisUsd.format(Math.abs(v));

/**
 * One line, two readings: account value on the left axis and, on the right, the same line read
 * as PnL since the range's first point (the change in account value). The `pnl` scale is the
 * `usd` scale shifted by that first value, so both axes get round ticks of their own.
 */
function chartOptions(width, base = 0, lastIdx = null) {
  const text = cssVar('--muted') || '#888';
  const grid = cssVar('--grid') || 'rgba(128,128,128,0.2)';
  const padded = (min, max) => window.uPlot.rangeNum(min, max, 0.1, true);
  return {
    width,
    height: Math.max(200, Math.min(320, Math.round(width * 0.45))),
    scales: {
      x: { time: true },
      usd: { range: (u, min, max) => padded(min, max) },
      pnl: {
        range: (u, min, max) => {
          const [lo, hi] = padded(min + base, max + base);
          return [lo - base, hi - base];
        },
      },
    },
    axes: [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
      { scale: 'usd', stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: 64, values: (u, vals) => vals.map((v) => axisUsd.format(v)) },
      { scale: 'pnl', side: 1, stroke: text, grid: { show: false }, ticks: { stroke: grid }, size: 64, values: (u, vals) => vals.map(axisSigned) },
    ],
    series: [
      { value: (u, v) => (v == null ? '—' : dateTime(new Date(v * 1000).toISOString())) },
      {
        label: 'Account value',
        scale: 'usd',
        stroke: cssVar('--accent') || '#3b82f6',
        fill: cssVar('--accent-fill') || 'rgba(59,130,246,0.12)',
        width: 2,
        points: { show: false },
        value: (u, v) => (v == null ? '—' : fullUsd(v)),
      },
      {
        label: 'PnL since start',
        scale: 'pnl',
        stroke: 'transparent',
        points: { show: false },
        value: (u, v) => (v == null ? '—' : `${v >= 0 ? '+' : '−'}${fullUsd(Math.abs(v))}`),
      },
    ],
    cursor: { drag: { x: true, y: false } },
    // Off the chart, the legend shows the latest values rather than dashes.
    hooks: lastIdx === null ? {} : { setCursor: [(u) => u.cursor.idx == null && u.setLegend({ idx: lastIdx })] },
  };
}

function destroyChart() {
  resizeObserver?.disconnect();
  resizeObserver = null;
  chart?.destroy();
  chart = null;
}

function renderChart(history) {
  destroyChart();
  const box = $('#tr-chart');
  const points = history.points ?? [];
  box.replaceChildren();
  if (points.length < 2) {
    fill($('#tr-chart-status'), points.length === 0 ? 'No account value history in this range yet.' : 'Only one account value point in this range so far.');
    return;
  }
  if (typeof window.uPlot !== 'function') {
    fill($('#tr-chart-status'), 'The chart library did not load.');
    return;
  }
  const xs = points.map((p) => new Date(p.time).getTime() / 1000);
  const values = points.map((p) => Number(p.account_value));
  const first = values[0];
  const last = values[values.length - 1];
  chart = new window.uPlot(chartOptions(box.clientWidth || 600, first, values.length - 1), [xs, values, values.map((v) => v - first)], box);
  chart.setLegend({ idx: values.length - 1 });
  const change = last - first;
  box.setAttribute(
    'aria-label',
    `Account value from ${fullUsd(first)} to ${fullUsd(last)} (${change >= 0 ? '+' : '−'}${fullUsd(Math.abs(change))}) over ${points.length} points`,
  );
  fill(
    $('#tr-chart-status'),
    `${count(points.length)} points, ${dateTime(points[0].time)} to ${dateTime(points[points.length - 1].time)}` +
      `${history.truncated ? ' (the newest of a longer range)' : ''}. PnL since start is the change in account value ` +
      '(deposits and withdrawals included). Drag to zoom, double-click to reset.',
  );
  let lastWidth = box.clientWidth;
  resizeObserver = new ResizeObserver(() => {
    const width = box.clientWidth;
    if (!chart || width === lastWidth || width === 0) return;
    lastWidth = width;
    const { height } = chartOptions(width, first);
    chart.setSize({ width, height });
  });
  resizeObserver.observe(box);
}

async function loadChart(address) {
  const spec = RANGES.find((r) => r.key === range);
  const from = spec.ms ? new Date(Date.now() - spec.ms).toISOString() : undefined;
  for (const b of document.querySelectorAll('#tr-ranges button')) b.setAttribute('aria-pressed', String(b.dataset.range === range));
  try {
    const history = await getJson(`api/v1/traders/${address}/history`, { from });
    if (current === address) renderChart(history);
  } catch (err) {
    if (current === address) fill($('#tr-chart-status'), h('span', { class: 'error' }, `History unavailable: ${err.message}`));
  }
}

async function loadPositions(address) {
  try {
    const p = await getJson(`api/v1/traders/${address}/positions`);
    if (current === address) renderPositions(p);
  } catch (err) {
    if (current === address) fill($('#tr-positions-note'), h('span', { class: 'error' }, `Positions unavailable: ${err.message}`));
  }
}

async function loadEvents(address, more = false) {
  const button = $('#tr-more');
  button.disabled = true;
  try {
    const page = await getJson(`api/v1/traders/${address}/events`, { limit: EVENTS_PAGE, before: more ? nextBefore : undefined });
    if (current !== address) return;
    const list = $('#tr-events');
    if (!more) list.replaceChildren();
    list.querySelector('li.empty')?.remove();
    for (const e of page.items ?? []) if (!list.querySelector(`li[data-id="${Number(e.id)}"]`)) list.append(eventItem(e, 'history', { showTrader: false }));
    if (list.children.length === 0) list.append(h('li', { class: 'empty' }, 'No position changes recorded yet.'));
    nextBefore = page.next_before ?? null;
    button.hidden = nextBefore === null;
  } catch (err) {
    if (current === address) fill($('#tr-events-note'), h('span', { class: 'error' }, `Events unavailable: ${err.message}`));
  } finally {
    button.disabled = false;
  }
}

const refreshPositions = debounce(() => current && void loadPositions(current), 1000);

/** Shows the page of `address` (lower-case, valid). */
export async function showTrader(address) {
  if (current === address) return;
  current = address;
  nextBefore = null;
  fill($('#tr-address'), address);
  fill($('#tr-error'), '');
  for (const sel of ['#tr-summary', '#tr-events', '#tr-chart-status', '#tr-positions-note', '#tr-events-note', '#tr-windows-note']) $(sel).replaceChildren();
  fill($('#tr-positions tbody'));
  fill($('#tr-windows tbody'));
  destroyChart();
  $('#tr-chart').replaceChildren();
  $('#tr-body').hidden = false;
  showBacktest(null);
  void live.setViewing(address);
  try {
    const detail = await getJson(`api/v1/traders/${address}`);
    if (current !== address) return;
    renderSummary(detail);
  } catch (err) {
    if (current !== address) return;
    if (err instanceof ApiError && err.status === 404) {
      $('#tr-body').hidden = true;
      fill($('#tr-error'), 'This address has not been seen trading yet.');
      return;
    }
    fill($('#tr-error'), `Trader unavailable: ${err.message}`);
  }
  void loadChart(address);
  showBacktest(address);
  void loadPositions(address);
  void loadEvents(address);
}

export function showBadTrader(text) {
  hideTrader();
  fill($('#tr-address'), text.slice(0, 60));
  $('#tr-body').hidden = true;
  fill($('#tr-error'), 'That is not a trader address (0x followed by 40 hex digits).');
}

export function hideTrader() {
  current = null;
  destroyChart();
  showBacktest(null);
  void live.setViewing(null);
}

export function startTraderPage() {
  startBacktest();
  const ranges = $('#tr-ranges');
  for (const r of RANGES) {
    ranges.append(h('button', { type: 'button', dataset: { range: r.key }, 'aria-pressed': String(r.key === range) }, r.label));
  }
  ranges.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-range]');
    if (!b || !current) return;
    range = b.dataset.range;
    void loadChart(current);
  });
  $('#tr-more').addEventListener('click', () => current && void loadEvents(current, true));
  $('#tr-follow').addEventListener('click', () => {
    if (!current) return;
    const address = current;
    location.hash = '#/';
    void followTrader(address);
  });
  live.on('trade_event', (e) => {
    if (!current || e?.trader_address !== current) return;
    const list = $('#tr-events');
    if (list.querySelector(`li[data-id="${Number(e.id)}"]`)) return;
    list.querySelector('li.empty')?.remove();
    list.prepend(eventItem(e, 'live', { showTrader: false }));
    refreshPositions();
  });
}
