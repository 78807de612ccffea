// The live event feed: Socket.IO `trade_event`s, filtered by trader and coin (on the server
// through `subscribe`, and here again, since the server's filter is a union).
import { getJson } from './api.js';
import { $, fill, h, isAddress, shortAddress, splitList } from './dom.js';
import { eventItem } from './event-item.js';
import * as live from './live.js';

/** Events shown at most; the buffer keeps a few more so a filter change has something to show. */
const SHOWN = 100;
const BUFFERED = 500;
const PREFIX_RE = /^0x[0-9a-f]{0,40}$/;
const COIN_RE = /^[A-Za-z0-9@:/._-]{1,32}$/;

const buffer = []; // newest first: { event, origin }
const seen = new Set();
const filter = { traders: [], coins: [] };
let paused = false;
let pending = 0;
const arrivals = []; // receive times of live events (events per minute, this page)

/** Trader entries are address prefixes (a full address is its own prefix); coins match case-insensitively. */
function matches(e) {
  if (filter.traders.length > 0 && !filter.traders.some((t) => e.trader_address.startsWith(t))) return false;
  if (filter.coins.length > 0 && !filter.coins.some((c) => c === String(e.details?.coin ?? '').toLowerCase())) return false;
  return true;
}

function add(event, origin) {
  if (seen.has(event.id)) return false;
  seen.add(event.id);
  buffer.unshift({ event, origin });
  while (buffer.length > BUFFERED) seen.delete(buffer.pop().event.id);
  return true;
}

function render() {
  const shown = buffer.filter((b) => matches(b.event)).slice(0, SHOWN);
  const list = $('#feed-list');
  if (shown.length === 0) {
    const why = filter.traders.length || filter.coins.length ? 'No events match the filter yet; new ones appear here as they happen.' : 'Waiting for position changes…';
    fill(list, h('li', { class: 'empty' }, why));
  } else fill(list, shown.map((b) => eventItem(b.event, b.origin)));
  pending = 0;
  counter();
}

/** One new live event: prepended without re-rendering the list. */
function prepend(event) {
  const list = $('#feed-list');
  list.querySelector('li.empty')?.remove();
  list.prepend(eventItem(event, 'live'));
  while (list.children.length > SHOWN) list.lastElementChild.remove();
}

function counter() {
  const now = Date.now();
  while (arrivals.length > 0 && arrivals[0] < now - 60_000) arrivals.shift();
  const parts = [`${arrivals.length} in the last minute`];
  if (paused) parts.push(`paused, ${pending} new`);
  fill($('#feed-count'), parts.join(' · '));
}

function describe(server) {
  const mine = [];
  if (filter.traders.length) mine.push(`trader ${filter.traders.map((t) => (isAddress(t) ? shortAddress(t) : `${t}…`)).join(', ')}`);
  if (filter.coins.length) mine.push(`coin ${filter.coins.map((c) => c.toUpperCase()).join(', ')}`);
  const text = mine.length ? `Showing ${mine.join(' and ')}.` : 'Showing every trader and coin.';
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const n = server?.following ?? { traders: 0, coins: 0 }; // the server replies with counts, not its lists
  const scope = server && !server.all ? [n.traders ? plural(n.traders, 'trader') : '', n.coins ? plural(n.coins, 'coin') : ''] : [];
  const sent = server ? (server.all ? ' The server sends everything.' : ` The server sends the events of ${scope.filter(Boolean).join(' and ')}.`) : '';
  fill($('#feed-filter-state'), text + sent);
}

function problem(text) {
  fill($('#feed-error'), text ?? '');
  $('#feed-filters').traders.setAttribute('aria-invalid', text?.startsWith('Trader') ? 'true' : 'false');
  $('#feed-filters').coins.setAttribute('aria-invalid', text?.startsWith('Coin') ? 'true' : 'false');
}

/**
 * Reads the filter form. The server is asked for what it can filter exactly: full addresses (the
 * narrowest), else coins (as typed and upper-cased), else everything; this page then applies
 * trader AND coin.
 */
function applyForm() {
  const form = $('#feed-filters');
  const traders = splitList(form.traders.value).map((t) => t.toLowerCase());
  const coins = splitList(form.coins.value);
  const badTrader = traders.find((t) => !PREFIX_RE.test(t));
  if (badTrader) return problem(`Trader "${badTrader.slice(0, 50)}" is not an address or the start of one (0x…).`);
  const badCoin = coins.find((c) => !COIN_RE.test(c));
  if (badCoin) return problem(`Coin "${badCoin.slice(0, 50)}" is not a coin name (e.g. BTC, kPEPE).`);
  problem(null);
  filter.traders = traders;
  filter.coins = coins.map((c) => c.toLowerCase());
  render();
  describe(null);
  if (traders.length > 0 && traders.every(isAddress)) return live.setFeedFilter(traders, []);
  if (coins.length > 0) return live.setFeedFilter([], [...new Set(coins.flatMap((c) => [c, c.toUpperCase()]))]);
  return live.setFeedFilter([], []);
}

/** Shows only this trader's events (the "follow in feed" action of the trader page). */
export function followTrader(address) {
  const form = $('#feed-filters');
  form.traders.value = address;
  form.coins.value = '';
  return applyForm();
}

async function backfill() {
  try {
    const page = await getJson('api/v1/events', { limit: 30 });
    for (const e of [...(page.items ?? [])].reverse()) add(e, 'history');
    // Live events may have arrived while this loaded: storage order (id) puts each in its place.
    buffer.sort((a, b) => Number(b.event.id) - Number(a.event.id));
    if (!paused) render();
  } catch (err) {
    fill($('#feed-error'), `Recent events unavailable: ${err.message}`);
  }
}

export function startFeed() {
  const form = $('#feed-filters');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void applyForm();
  });
  $('#feed-clear').addEventListener('click', () => {
    form.traders.value = '';
    form.coins.value = '';
    void applyForm();
    form.traders.focus();
  });
  const pause = $('#feed-pause');
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) render();
    counter();
  });

  live.on('trade_event', (e) => {
    if (!e || typeof e.trader_address !== 'string' || !add(e, 'live')) return;
    arrivals.push(Date.now());
    if (!matches(e)) return;
    if (paused) pending += 1;
    else prepend(e);
    counter();
  });
  live.on('subscribed', describe);
  setInterval(counter, 5000);
  describe(null);
  render();
  void backfill();
}
