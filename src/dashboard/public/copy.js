// The Copy panel (#/copy): one follower's desired vs actual size per coin, its journal as it
// happens, its equity and its alerts. The follower is opened with its id and token, typed in or
// passed in the URL fragment (#follower=<id>&token=<token>, which is then removed from the
// address bar); the token is kept in this tab's sessionStorage only and sent as a Bearer header,
// never in a URL.
import { ApiError, getJson } from './api.js';
import { $, ago, count, debounce, fill, fullUsd, h, pct, signClass, usd } from './dom.js';
import * as live from './live.js';
import { alertItem, destroyEquityChart, journalRow, positionRows, renderEquity } from './copy-views.js';

export const COPY_ROUTE = '#/copy';
const STORE_KEY = 'traderscout.copy.follower';
const ID_RE = /^\d{1,18}$/;
const POLL_MS = 10_000;
const JOURNAL_ROWS = 100;
const ALERTS_SHOWN = 50;

let selected = null; // { id, token }: the follower shown
let seq = 0; // bumps on every change of follower: answers for an older one are dropped
let visible = false;
let pollTimer = null;
const journal = new Map(); // cloid → { order, origin }
const alertKeys = new Set();

function stored() {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null');
    return v && ID_RE.test(v.id) && typeof v.token === 'string' && v.token ? { id: v.id, token: v.token } : null;
  } catch {
    return null;
  }
}

function store(follower) {
  if (follower) sessionStorage.setItem(STORE_KEY, JSON.stringify({ id: follower.id, token: follower.token }));
  else sessionStorage.removeItem(STORE_KEY);
}

/**
 * `#follower=<id>&token=<token>` (or `#follower=<id>`): remembers the follower for this tab and
 * replaces the fragment with #/copy, so the token leaves the address bar and the history entry.
 * Returns whether the fragment was one.
 */
export function takeFollowerFragment(hash) {
  if (!hash.startsWith('#follower=')) return false;
  const params = new URLSearchParams(hash.slice(1));
  const id = (params.get('follower') ?? '').trim();
  const token = (params.get('token') ?? '').trim();
  if (ID_RE.test(id) && token) store({ id, token });
  else if (ID_RE.test(id) && stored()?.id !== id) store(null);
  $('#cp-form').follower.value = id;
  history.replaceState(null, '', `${location.pathname}${location.search}${COPY_ROUTE}`);
  return true;
}

const auth = () => ({ authorization: `Bearer ${selected.token}` });

function problem(text) {
  fill($('#cp-error'), text ?? '');
}

function kv(label, value, tone = '') {
  return h('div', {}, h('dt', {}, label), h('dd', { class: tone }, value));
}

function renderFollower(f) {
  const tone = f.status === 'active' ? 'pos' : f.status === 'stopped' ? 'neg' : '';
  fill(
    $('#cp-summary'),
    kv('Follower', `#${f.id}${f.name ? ` ${f.name}` : ''}`),
    kv('Account', h('span', { class: 'mono', title: f.address }, f.address)),
    kv('Mode', f.mode),
    kv('Status', f.stop_reason ? `${f.status} (${f.stop_reason})` : f.status, tone),
    kv('Equity', fullUsd(f.equity_usd)),
    kv('Peak equity', fullUsd(f.peak_equity_usd)),
    kv('Drawdown', pct(f.drawdown_pct / 100, 2)),
    kv('Realized PnL', usd(f.realized_pnl_usd), signClass(f.realized_pnl_usd)),
    kv('Fees', usd(f.fees_usd)),
    kv('Since', ago(f.created_at)),
  );
}

function renderPerformance(p) {
  const lat = p.latency_ms?.trade_to_order ?? {};
  const ms = (v) => (v === null || v === undefined ? '—' : `${count(v)} ms`);
  fill(
    $('#cp-perf'),
    kv('PnL', usd(p.pnl_usd), signClass(p.pnl_usd)),
    kv('Unrealized', usd(p.unrealized_pnl_usd), signClass(p.unrealized_pnl_usd)),
    kv('Tracking error', usd(p.tracking?.tracking_error_usd)),
    kv('Slippage vs leader', p.slippage_vs_leader?.bps === null || p.slippage_vs_leader?.bps === undefined ? '—' : `${p.slippage_vs_leader.bps} bps`),
    kv('Trade → order p50 / p99', `${ms(lat.p50)} / ${ms(lat.p99)}`),
    kv('Orders', Object.entries(p.orders_by_status ?? {}).map(([status, n]) => `${status} ${count(n)}`).join(', ') || 'none yet'),
  );
  renderEquity($('#cp-chart'), $('#cp-chart-status'), p.equity_curve ?? []);
}

function renderPositions(body) {
  const rows = positionRows(body.positions ?? []);
  fill($('#cp-positions tbody'), rows.length ? rows : h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'Nothing copied yet: sizes appear when a followed leader trades.')));
}

function renderJournal() {
  const rows = [...journal.values()].sort((a, b) => Number(b.order.id) - Number(a.order.id)).slice(0, JOURNAL_ROWS);
  fill($('#cp-orders tbody'), rows.length ? rows.map((r) => journalRow(r.order, r.origin)) : h('tr', {}, h('td', { colspan: 10, class: 'empty' }, 'No decisions yet.')));
}

function addAlert(a, origin) {
  const key = `${a.timestamp}|${a.kind}|${a.message}`;
  if (alertKeys.has(key)) return;
  alertKeys.add(key);
  const list = $('#cp-alerts');
  list.querySelector('li.empty')?.remove();
  const item = alertItem(a, origin);
  if (origin === 'live') list.prepend(item);
  else list.append(item);
  while (list.children.length > ALERTS_SHOWN) list.lastElementChild.remove();
}

/** One REST read for the follower shown; a 401/403 closes it with the reason. */
async function read(path, params = {}) {
  const mine = seq;
  try {
    const body = await getJson(`api/v1/copy/followers/${selected.id}${path}`, params, auth());
    return mine === seq ? body : null;
  } catch (err) {
    if (mine !== seq) return null;
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) {
      const why = err.status === 404 ? `there is no follower #${selected.id}` : `that token does not open follower #${selected.id}`;
      close(`Not opened: ${why}.`);
      return null;
    }
    fill($('#cp-updated'), h('span', { class: 'error' }, `${path || 'follower'} unavailable: ${err.message}`));
    return null;
  }
}

async function refresh() {
  if (!selected) return;
  const [f, pos, perf] = await Promise.all([read(''), read('/positions'), read('/performance')]);
  if (f) renderFollower(f);
  if (pos) renderPositions(pos);
  if (perf) {
    renderPerformance(perf);
    for (const a of perf.recent_alerts ?? []) addAlert(a, 'history');
  }
  if (f) fill($('#cp-updated'), `updated ${new Date().toLocaleTimeString([], { hour12: false })}`);
}

const refreshSoon = debounce(() => void refresh(), 500);

function schedule() {
  clearTimeout(pollTimer);
  pollTimer = visible && selected ? setTimeout(() => void refresh().finally(schedule), document.hidden ? POLL_MS * 3 : POLL_MS) : null;
}

function reset() {
  seq += 1;
  journal.clear();
  alertKeys.clear();
  destroyEquityChart();
  for (const sel of ['#cp-summary', '#cp-perf', '#cp-chart', '#cp-chart-status', '#cp-alerts', '#cp-updated', '#cp-room']) $(sel).replaceChildren();
  fill($('#cp-positions tbody'));
  fill($('#cp-orders tbody'));
}

/** Opens a follower: checks the token with the follower's own route, then loads and joins its room. */
async function open(follower) {
  reset();
  selected = follower;
  problem(null);
  $('#cp-body').hidden = true;
  const mine = seq;
  const f = await read('');
  if (!f || mine !== seq) return;
  store(follower);
  $('#cp-form').token.value = '';
  $('#cp-body').hidden = false;
  renderFollower(f);
  fill($('#cp-alerts'), h('li', { class: 'empty' }, 'No alerts.'));
  void live.setFollower(follower);
  const [page] = await Promise.all([read('/orders', { limit: JOURNAL_ROWS }), refresh()]);
  if (!page) return;
  for (const o of page.items ?? []) if (!journal.has(o.cloid)) journal.set(o.cloid, { order: o, origin: 'history' });
  renderJournal();
  schedule();
}

function close(message) {
  reset();
  selected = null;
  store(null);
  void live.setFollower(null);
  $('#cp-body').hidden = true;
  problem(message);
  schedule();
}

/** The copy view became visible: opens the remembered follower, if any. */
export function showCopy() {
  visible = true;
  const saved = stored();
  const wanted = $('#cp-form').follower.value.trim();
  if (saved && (!wanted || wanted === saved.id)) {
    $('#cp-form').follower.value = saved.id;
    if (selected?.id !== saved.id || selected.token !== saved.token) void open(saved);
    else void refresh().finally(schedule);
  } else if (wanted) {
    problem(null);
    fill($('#cp-room'), `Enter the token of follower #${wanted}.`);
    $('#cp-form').token.focus();
  }
}

export function hideCopy() {
  visible = false;
  schedule();
}

export function startCopyPanel() {
  const form = $('#cp-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const id = form.follower.value.trim();
    const saved = stored();
    const token = form.token.value.trim() || (saved?.id === id ? saved.token : '');
    if (!ID_RE.test(id)) return problem('The follower id is a number (the `id` its creation returned).');
    if (!token) return problem('Enter the follower’s token (tsf_…), shown once when it was created, or the admin key.');
    void open({ id, token });
  });
  $('#cp-forget').addEventListener('click', () => {
    form.follower.value = '';
    form.token.value = '';
    close(null);
    form.follower.focus();
  });
  live.on('copy_order', (o) => {
    if (!selected || String(o?.follower_id) !== selected.id || typeof o.cloid !== 'string') return;
    journal.set(o.cloid, { order: o, origin: 'live' });
    renderJournal();
    refreshSoon();
  });
  live.on('copy_alert', (a) => {
    if (!selected || String(a?.follower_id) !== selected.id) return;
    addAlert(a, 'live');
  });
  live.on('follower_room', (r) => {
    if (!selected || r.id !== selected.id) return;
    fill($('#cp-room'), r.ok ? 'Journal and alerts arrive live.' : h('span', { class: 'error' }, `Live journal unavailable: ${r.error}.`));
  });
}
