// The system panel: /api/v1/stats every 5 s (budget use, stream status, traders, events per minute).
import { getJson } from './api.js';
import { $, ago, count, fill, h } from './dom.js';

const POLL_MS = 5000;
/** Stats samples kept for the events-per-minute rate (about a minute of them). */
const RATE_SAMPLES = 13;

const samples = [];

function card(label, value, detail, tone = '') {
  return h('div', { class: `stat ${tone}` }, h('dt', {}, label), h('dd', {}, h('span', { class: 'value' }, value), detail ? h('span', { class: 'detail' }, detail) : null));
}

/** Events per minute from the growth of total_trade_events over the samples we have. */
function eventsPerMinute() {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const minutes = (last.at - first.at) / 60000;
  return minutes > 0 ? Math.max(0, (last.events - first.events) / minutes) : null;
}

function streamCard(discovery, now) {
  const last = discovery?.last_trades_at ?? null;
  if (!last) return card('Trade stream', 'no trades yet', 'discovery has stored none', 'warn');
  const age = (now - new Date(last).getTime()) / 1000;
  const tone = age < 60 ? 'ok' : age < 600 ? 'warn' : 'bad';
  const word = age < 60 ? 'live' : age < 600 ? 'lagging' : 'stale';
  return card('Trade stream', word, `last trade ${ago(last, now)}`, tone);
}

function budgetCard(rate) {
  const per = rate?.weight_per_minute ?? 0;
  const used = rate?.used_last_minute;
  if (used === null || used === undefined) return card('Weight budget', '—', `of ${count(per)}/min (Redis unavailable)`, 'warn');
  const share = per > 0 ? used / per : 0;
  const paused = rate.paused_until && new Date(rate.paused_until).getTime() > Date.now();
  const meter = h('meter', { min: 0, max: per || 1, value: Math.min(used, per || 1), low: per * 0.7, high: per * 0.9, optimum: 0, 'aria-label': 'Weight used in the last minute' });
  const detail = paused ? `paused after HTTP 429 until ${new Date(rate.paused_until).toLocaleTimeString([], { hour12: false })}` : `${count(used)} of ${count(per)} per minute`;
  return h(
    'div',
    { class: `stat ${paused || share > 0.9 ? 'warn' : 'ok'}` },
    h('dt', {}, 'Weight budget'),
    h('dd', {}, h('span', { class: 'value' }, `${Math.round(share * 100)}%`), meter, h('span', { class: 'detail' }, detail)),
  );
}

function render(stats) {
  const now = Date.now();
  const db = stats.database ?? {};
  const approx = db.counts_exact === false ? '≈ ' : '';
  const epm = eventsPerMinute();
  const ws = stats.websocket ?? {};
  fill(
    $('#system-stats'),
    budgetCard(stats.rate_limit),
    streamCard(stats.discovery, now),
    card('Traders discovered', approx + count(db.total_traders), `${approx}${count(db.active_traders)} tracked`),
    card(
      'Events / min',
      epm === null ? '—' : count(epm),
      epm === null ? `measuring… ${approx}${count(db.total_trade_events)} stored` : `${approx}${count(db.total_trade_events)} stored`,
    ),
    card('Live clients', count(ws.active_connections), `${count(ws.api_instances)} api replica${ws.api_instances === 1 ? '' : 's'}`),
    card(
      'Redis',
      stats.cache?.redis_connected ? 'connected' : 'down',
      stats.tracking?.pending_signals != null ? `${count(stats.tracking.pending_signals)} traders queued for a snapshot` : null,
      stats.cache?.redis_connected ? 'ok' : 'bad',
    ),
  );
  fill($('#system-updated'), `updated ${new Date(stats.timestamp ?? now).toLocaleTimeString([], { hour12: false })}`);
}

async function poll() {
  try {
    const stats = await getJson('api/v1/stats');
    const events = Number(stats?.database?.total_trade_events);
    if (Number.isFinite(events)) {
      samples.push({ at: Date.now(), events });
      if (samples.length > RATE_SAMPLES) samples.shift();
    }
    render(stats);
    $('#system').removeAttribute('aria-busy');
  } catch (err) {
    fill($('#system-updated'), h('span', { class: 'error' }, `stats unavailable: ${err.message}`));
  } finally {
    setTimeout(poll, document.hidden ? POLL_MS * 3 : POLL_MS);
  }
}

export function startSystemPanel() {
  void poll();
}
