// The leaderboard table: window, sort, filters and paging over GET /api/v1/leaderboard.
import { getJson } from './api.js';
import { $, ago, count, debounce, decimal, fill, h, pct, signClass, traderLink, usd } from './dom.js';
import * as live from './live.js';

/** The table's columns; `sort` marks the ones the API can sort by (all of its metrics). */
const COLUMNS = [
  { key: 'rank', label: '#', cell: (r) => r.rank ?? '—' },
  { key: 'address', label: 'Trader', text: false, cell: (r) => traderLink(r.address) },
  { key: 'copy_score', label: 'Copy score', sort: true, cell: (r) => decimal(r.copy_score, 3), tone: (r) => signClass(r.copy_score) },
  { key: 'trader_score', label: 'Score', sort: true, cell: (r) => decimal(r.trader_score, 3) },
  { key: 'win_rate', label: 'Win rate', sort: true, cell: (r) => pct(r.win_rate) },
  { key: 'realized_pnl_usd', label: 'Realized PnL', sort: true, cell: (r) => usd(r.realized_pnl_usd), tone: (r) => signClass(r.realized_pnl_usd) },
  { key: 'roi', label: 'ROI', sort: true, cell: (r) => pct(r.roi), tone: (r) => signClass(r.roi) },
  { key: 'total_volume_usd', label: 'Volume', sort: true, cell: (r) => usd(r.total_volume_usd) },
  { key: 'account_value_usd', label: 'Account value', sort: true, cell: (r) => usd(r.account_value_usd) },
  { key: 'max_drawdown', label: 'Max drawdown', sort: true, cell: (r) => pct(r.max_drawdown) },
  { key: 'profit_factor', label: 'Profit factor', sort: true, cell: (r) => decimal(r.profit_factor, 2) },
  { key: 'trades_count', label: 'Trades', sort: true, cell: (r) => count(r.trades_count) },
  { key: 'account_age_days', label: 'Age (days)', sort: true, cell: (r) => count(r.account_age_days) },
];

const state = { window: 'all', sort_by: 'copy_score', order: 'desc', min_trades: '', min_volume_usd: '', page: 1, limit: 50 };
let seq = 0;
let lastComputedAt = null;

function header() {
  const row = h('tr');
  for (const col of COLUMNS) {
    const sorted = state.sort_by === col.key;
    const th = h('th', {
      scope: 'col',
      class: col.key === 'address' ? '' : 'num',
      'aria-sort': col.sort ? (sorted ? (state.order === 'desc' ? 'descending' : 'ascending') : 'none') : null,
    });
    if (col.sort) {
      const arrow = sorted ? (state.order === 'desc' ? ' ▼' : ' ▲') : '';
      th.append(
        h('button', { type: 'button', class: 'sort', dataset: { sort: col.key }, title: `Sort by ${col.label.toLowerCase()}` }, col.label, h('span', { 'aria-hidden': 'true' }, arrow)),
      );
    } else th.append(col.label);
    row.append(th);
  }
  fill($('#lb-table thead'), row);
}

const PARTIAL = 'From partial data: some inputs cover only what traderscout has seen of this trader so far';

function rowOf(item) {
  const tr = h('tr', { dataset: { address: item.address } });
  for (const col of COLUMNS) {
    const isTrader = col.key === 'address';
    // The score's coverage sums up its inputs': one mark per row instead of one per cell.
    const partial = col.key === 'trader_score' && item.coverage?.trader_score === false;
    tr.append(
      h(
        isTrader ? 'th' : 'td',
        { scope: isTrader ? 'row' : null, class: [isTrader ? 'trader' : 'num', col.tone?.(item)].filter(Boolean).join(' ') },
        col.cell(item),
        partial ? h('abbr', { class: 'partial', title: PARTIAL }, '*') : null,
      ),
    );
  }
  return tr;
}

function status(text, isError = false) {
  fill($('#lb-status'), text ? h('span', { class: isError ? 'error' : '' }, text) : '');
}

async function load() {
  const mine = ++seq;
  const table = $('#lb-table');
  table.setAttribute('aria-busy', 'true');
  try {
    const page = await getJson('api/v1/leaderboard', state);
    if (mine !== seq) return;
    lastComputedAt = page.computed_at;
    header();
    const body = $('#lb-table tbody');
    if (page.items.length === 0) {
      const why = page.computed_at
        ? 'No trader matches these filters in this window.'
        : 'No leaderboard yet: the first computation runs within a minute of a worker starting.';
      fill(body, h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty' }, why)));
    } else fill(body, page.items.map(rowOf));
    const anyPartial = page.items.some((i) => i.coverage?.trader_score === false);
    fill($('#lb-note'), anyPartial ? `* ${PARTIAL}.` : '');
    const pages = Math.max(1, Math.ceil(page.total / page.limit));
    fill($('#lb-page'), `Page ${page.page} of ${count(pages)} · ${count(page.total)} trader${page.total === 1 ? '' : 's'}`);
    $('#lb-prev').disabled = page.page <= 1;
    $('#lb-next').disabled = page.page >= pages;
    meta();
    status('');
  } catch (err) {
    if (mine !== seq) return;
    status(`Could not load the leaderboard: ${err.message}`, true);
  } finally {
    if (mine === seq) table.removeAttribute('aria-busy');
  }
}

function meta() {
  fill($('#lb-meta'), lastComputedAt ? `computed ${ago(lastComputedAt)}` : '');
}

/** Reads the filter form into the state (invalid numbers are left to the API's 400, which names them). */
function readForm() {
  const form = $('#lb-filters');
  state.window = form.window.value;
  state.sort_by = form.sort_by.value;
  state.order = form.order.value;
  state.limit = Number(form.limit.value);
  state.min_trades = form.min_trades.value.trim();
  state.min_volume_usd = form.min_volume_usd.value.trim();
}

function syncForm() {
  const form = $('#lb-filters');
  form.sort_by.value = state.sort_by;
  form.order.value = state.order;
}

export function startLeaderboard() {
  const form = $('#lb-filters');
  const reload = () => {
    readForm();
    state.page = 1;
    void load();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    reload();
  });
  for (const name of ['window', 'sort_by', 'order', 'limit']) form[name].addEventListener('change', reload);
  const typed = debounce(reload, 400);
  for (const name of ['min_trades', 'min_volume_usd']) form[name].addEventListener('input', typed);

  $('#lb-table thead').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-sort]');
    if (!button) return;
    const key = button.dataset.sort;
    if (state.sort_by === key) state.order = state.order === 'desc' ? 'asc' : 'desc';
    else {
      state.sort_by = key;
      state.order = 'desc';
    }
    state.page = 1;
    syncForm();
    void load().then(() => $(`#lb-table button[data-sort="${key}"]`)?.focus());
  });
  $('#lb-prev').addEventListener('click', () => {
    state.page = Math.max(1, state.page - 1);
    void load();
  });
  $('#lb-next').addEventListener('click', () => {
    state.page += 1;
    void load();
  });

  live.on('leaderboard_updated', () => void load());
  setInterval(meta, 30_000);
  header();
  void load();
}
