// The Copy panel's pieces: desired vs actual rows, journal rows, alert items and the equity chart.
// Coins, errors and messages come from outside: like everywhere here, they become text nodes only.
import { count, dateTime, fill, fullUsd, h, shortAddress, signClass, signed, size, timeOf, usd } from './dom.js';

/** Sizes differ by float noise after a subtraction: 8 decimals is finer than any coin's lot. */
const gapOf = (desired, actual) => Number((Number(desired) - Number(actual)).toFixed(8));

/** Rows of `GET …/positions`, coins with nothing desired and nothing held left out. */
export function positionRows(positions) {
  return positions
    .filter((p) => Number(p.desired_size) !== 0 || Number(p.actual_size) !== 0)
    .map((p) => {
      const gap = gapOf(p.desired_size, p.actual_size);
      return h(
        'tr',
        { dataset: { coin: p.coin, desired: p.desired_size, actual: p.actual_size } },
        h('th', { scope: 'row' }, p.coin),
        h('td', { class: `num ${signClass(p.desired_size)}` }, signed(p.desired_size)),
        h('td', { class: `num ${signClass(p.actual_size)}` }, signed(p.actual_size)),
        h('td', { class: `num ${gap === 0 ? 'muted' : 'warn'}`, title: 'desired − actual' }, gap === 0 ? '0' : signed(gap)),
        h('td', { class: 'num' }, p.mark_price ? size(p.mark_price) : '—'),
        h('td', { class: 'num' }, p.notional_usd ? usd(p.notional_usd) : '—'),
        h('td', { class: `num ${signClass(p.unrealized_pnl_usd)}` }, p.unrealized_pnl_usd ? usd(p.unrealized_pnl_usd) : '—'),
        h('td', { class: 'num' }, p.leverage ? `${p.leverage}×` : '—'),
      );
    });
}

const STATUS_TONE = { filled: 'pos', partially_filled: 'warn', rejected: 'neg', failed: 'neg', skipped: 'warn' };

/** One journal row (REST or a `copy_order` event); `origin` is live or history. */
export function journalRow(o, origin) {
  const filled = Number(o.filled_size ?? 0);
  return h(
    'tr',
    { dataset: { cloid: o.cloid, status: o.status, coin: o.coin, origin }, class: origin === 'live' ? 'fresh' : null },
    h('td', {}, o.created_at ? timeOf(o.created_at) : '—'),
    h('th', { scope: 'row' }, o.coin),
    h('td', {}, o.kind ?? '', o.reduce_only ? h('abbr', { class: 'tag', title: 'reduce-only' }, 'RO') : null),
    h('td', { class: o.side === 'sell' ? 'neg' : 'pos' }, o.side),
    h('td', { class: 'num' }, size(o.size)),
    h('td', { class: 'num' }, o.limit_price ? size(o.limit_price) : '—'),
    h('td', {}, h('span', { class: `badge status ${STATUS_TONE[o.status] ?? ''}` }, String(o.status ?? '').replace('_', ' '))),
    h('td', { class: 'num' }, filled ? size(o.filled_size) : '—'),
    h('td', { class: 'num' }, o.avg_price ? size(o.avg_price) : '—'),
    h('td', { class: 'reason', title: o.leader ? `leader ${o.leader}` : null }, o.error ?? (o.leader ? `from ${shortAddress(o.leader)}` : '')),
  );
}

/** One `copy_alert` ({kind, message, timestamp}). */
export function alertItem(a, origin) {
  return h(
    'li',
    { class: `alert ${origin === 'live' ? 'fresh' : ''}`, dataset: { kind: a.kind, origin } },
    a.timestamp ? timeOf(a.timestamp) : null,
    h('span', { class: 'badge warn' }, String(a.kind ?? 'alert').replace(/_/g, ' ')),
    h('span', { class: 'message' }, a.message ?? ''),
  );
}

let chart = null;
let resizeObserver = null;
const cssVar = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
const heightFor = (width) => Math.max(180, Math.min(280, Math.round(width * 0.4)));

function chartOptions(width) {
  const text = cssVar('--muted', '#888');
  const grid = cssVar('--grid', 'rgba(128,128,128,0.2)');
  return {
    width,
    height: heightFor(width),
    scales: { x: { time: true }, y: { range: (u, min, max) => window.uPlot.rangeNum(min, max, 0.1, true) } },
    axes: [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: 80, values: (u, vals) => vals.map((v) => fullUsd(v)) },
    ],
    series: [
      { value: (u, v) => (v == null ? '—' : dateTime(new Date(v * 1000).toISOString())) },
      {
        label: 'Equity',
        stroke: cssVar('--accent', '#3b82f6'),
        fill: cssVar('--accent-fill', 'rgba(59,130,246,0.12)'),
        width: 2,
        points: { show: false },
        value: (u, v) => (v == null ? '—' : fullUsd(v)),
      },
    ],
  };
}

export function destroyEquityChart() {
  resizeObserver?.disconnect();
  resizeObserver = null;
  chart?.destroy();
  chart = null;
}

/** The equity curve ([[ms, usd]…], oldest first) in `box`; updated in place when it exists. */
export function renderEquity(box, status, curve) {
  const points = curve.filter((p) => Array.isArray(p) && Number.isFinite(Number(p[0])) && Number.isFinite(Number(p[1])));
  if (points.length < 2) {
    destroyEquityChart();
    box.replaceChildren();
    fill(status, points.length === 0 ? 'No equity recorded yet.' : 'One equity point so far; the chart starts with the second.');
    return;
  }
  if (typeof window.uPlot !== 'function') {
    fill(status, 'The chart library did not load.');
    return;
  }
  const data = [points.map((p) => Number(p[0]) / 1000), points.map((p) => Number(p[1]))];
  if (chart) chart.setData(data);
  else {
    box.replaceChildren();
    chart = new window.uPlot(chartOptions(box.clientWidth || 600), data, box);
    let lastWidth = box.clientWidth;
    resizeObserver = new ResizeObserver(() => {
      const width = box.clientWidth;
      if (!chart || width === lastWidth || width === 0) return;
      lastWidth = width;
      chart.setSize({ width, height: heightFor(width) });
    });
    resizeObserver.observe(box);
  }
  const first = data[1][0];
  const last = data[1][data[1].length - 1];
  box.setAttribute('aria-label', `Equity from ${fullUsd(first)} to ${fullUsd(last)} over ${points.length} points`);
  fill(status, `${count(points.length)} points, ${dateTime(new Date(points[0][0]).toISOString())} to ${dateTime(new Date(points[points.length - 1][0]).toISOString())}.`);
}
