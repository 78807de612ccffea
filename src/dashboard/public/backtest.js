// The trader page's backtest (POST api/v1/copy/simulate): what copying this trader would have
// made, replayed from its stored fills through the copy engine's sizing and paper fills.
import { postJson } from './api.js';
import { $, count, dateTime, fill, fullUsd, h, signClass, usd } from './dom.js';

const AMOUNT = {
  proportional: { field: 'multiplier', label: 'Multiplier', value: '1' },
  fixed_ratio: { field: 'ratio', label: 'Ratio (size per leader size)', value: '0.1' },
  fixed_notional: { field: 'notional_usd', label: 'USD per position', value: '500' },
};

let address = null;
let chart = null;
let resizeObserver = null;
let seq = 0;

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const axisUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 1 });

function kv(label, value, tone = '') {
  return h('div', {}, h('dt', {}, label), h('dd', { class: tone, dataset: { field: label } }, value));
}

function destroyChart() {
  resizeObserver?.disconnect();
  resizeObserver = null;
  chart?.destroy();
  chart = null;
}

function body(form) {
  const data = new FormData(form);
  const sizing = String(data.get('sizing'));
  const out = { leader: address, sizing, equity_usd: Number(data.get('equity_usd')), window: String(data.get('window')) };
  out[AMOUNT[sizing].field] = Number(data.get('amount'));
  if (data.get('copy_open_positions')) out.copy_open_positions = true;
  return out;
}

function chartOptions(width) {
  const text = cssVar('--muted') || '#888';
  const grid = cssVar('--grid') || 'rgba(128,128,128,0.2)';
  return {
    width,
    height: Math.max(180, Math.min(260, Math.round(width * 0.35))),
    scales: { x: { time: true }, usd: { range: (u, min, max) => window.uPlot.rangeNum(min, max, 0.1, true) } },
    axes: [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
      { scale: 'usd', stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: 64, values: (u, vals) => vals.map((v) => axisUsd.format(v)) },
    ],
    series: [
      { value: (u, v) => (v == null ? '—' : dateTime(new Date(v * 1000).toISOString())) },
      { label: 'Copy equity', scale: 'usd', stroke: cssVar('--accent') || '#3b82f6', width: 2, points: { show: false }, value: (u, v) => (v == null ? '—' : fullUsd(v)) },
    ],
    cursor: { drag: { x: true, y: false } },
  };
}

function render(r) {
  fill(
    $('#bt-summary'),
    kv('PnL', usd(r.pnl_usd), signClass(r.pnl_usd)),
    kv('Max drawdown', `${r.max_drawdown_pct.toFixed(2)}%`),
    kv('Orders', count(r.orders)),
    kv('Fees', fullUsd(r.fees_usd)),
    kv('Realized', usd(r.realized_pnl_usd), signClass(r.realized_pnl_usd)),
    kv('Unrealized', usd(r.unrealized_pnl_usd), signClass(r.unrealized_pnl_usd)),
    kv('Leader fills', count(r.leader_fills)),
  );
  destroyChart();
  const box = $('#bt-chart');
  box.replaceChildren();
  const curve = r.equity_curve ?? [];
  if (curve.length >= 2 && typeof window.uPlot === 'function') {
    chart = new window.uPlot(chartOptions(box.clientWidth || 600), [curve.map((p) => p[0] / 1000), curve.map((p) => p[1])], box);
    box.setAttribute('aria-label', `Copy equity from ${fullUsd(r.equity_usd)} to ${fullUsd(r.equity_usd + r.pnl_usd)} over ${curve.length} points`);
    let lastWidth = box.clientWidth;
    resizeObserver = new ResizeObserver(() => {
      const width = box.clientWidth;
      if (!chart || width === lastWidth || width === 0) return;
      lastWidth = width;
      chart.setSize({ width, height: chartOptions(width).height });
    });
    resizeObserver.observe(box);
  }
  const skipped = r.skipped_orders > 0 ? ` ${count(r.skipped_orders)} decisions stayed under the $10 minimum or the lot size.` : '';
  fill(
    $('#bt-status'),
    r.leader_fills === 0
      ? 'No stored fills of this trader in the window.'
      : `${count(r.leader_fills)} fills replayed from ${r.from ? dateTime(r.from) : 'the first stored one'}${r.truncated ? ' (the newest of a busier window)' : ''}; ` +
          `paper fills at the leader's price worsened by the slippage, taker fee charged.${skipped}${r.stopped ? ' The loss stop fired.' : ''}`,
  );
}

async function run() {
  if (!address) return;
  const mine = ++seq;
  const form = $('#bt-form');
  $('#bt-panel').setAttribute('aria-busy', 'true');
  fill($('#bt-status'), 'Replaying…');
  try {
    const r = await postJson('api/v1/copy/simulate', body(form));
    if (mine === seq) render(r);
  } catch (err) {
    if (mine !== seq) return;
    destroyChart();
    $('#bt-summary').replaceChildren();
    $('#bt-chart').replaceChildren();
    fill($('#bt-status'), h('span', { class: 'error' }, `Backtest unavailable: ${err.message}`));
  } finally {
    if (mine === seq) $('#bt-panel').removeAttribute('aria-busy');
  }
}

function syncAmount(form) {
  const spec = AMOUNT[form.elements.sizing.value];
  fill($('#bt-amount-label'), spec.label);
  form.elements.amount.value = spec.value;
}

/** Runs the backtest of `trader` with the form's settings (null: leaves the page). */
export function showBacktest(trader) {
  address = trader;
  seq++;
  destroyChart();
  for (const sel of ['#bt-summary', '#bt-chart', '#bt-status']) $(sel).replaceChildren();
  if (trader) void run();
}

export function startBacktest() {
  const form = $('#bt-form');
  syncAmount(form);
  form.elements.sizing.addEventListener('change', () => syncAmount(form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
}
