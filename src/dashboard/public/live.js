// The live connection: one Socket.IO client on namespace /updates, shared by the feed and the
// trader page. The server-side filter is the feed's filter plus the trader being viewed; with no
// feed filter the page receives everything (the contract: no subscription = all events).
import { io } from './socket.io.esm.min.js';
import { BASE } from './api.js';

const handlers = { trade_event: new Set(), leaderboard_updated: new Set(), status: new Set(), subscribed: new Set() };
const wanted = { traders: [], coins: [], viewing: null };
let socket = null;
let state = { connected: false, text: 'connecting…' };
let applying = Promise.resolve();

export function on(event, fn) {
  handlers[event].add(fn);
  if (event === 'status') fn(state);
  return () => handlers[event].delete(fn);
}

function emit(event, payload) {
  for (const fn of handlers[event]) {
    try {
      fn(payload);
    } catch (err) {
      console.error(err);
    }
  }
}

function setStatus(connected, text) {
  state = { connected, text };
  emit('status', state);
}

export function connect() {
  // Namespace /updates on this origin; the HTTP path follows the app's mount point.
  socket = io(`${BASE.origin}/updates`, { path: `${BASE.pathname}socket.io` });
  socket.on('connect', () => {
    setStatus(true, 'live');
    void applyFilter();
  });
  socket.on('disconnect', (reason) => setStatus(false, reason === 'io client disconnect' ? 'disconnected' : 'reconnecting…'));
  socket.on('connect_error', () => setStatus(false, 'reconnecting…'));
  socket.on('trade_event', (e) => emit('trade_event', e));
  socket.on('leaderboard_updated', (u) => emit('leaderboard_updated', u));
  socket.on('subscribed', (s) => emit('subscribed', s));
  socket.on('error', (err) => console.warn('live updates:', err?.event, err?.message));
}

/** The feed's filter: full addresses and coin names (the server accepts nothing else). */
export function setFeedFilter(traders, coins) {
  wanted.traders = traders;
  wanted.coins = coins;
  return applyFilter();
}

/** The trader page being shown (its events must arrive whatever the feed's filter), or null. */
export function setViewing(address) {
  if (wanted.viewing === address) return applying;
  wanted.viewing = address;
  return applyFilter();
}

/** Null = everything; else the union the server should send. */
function serverFilter() {
  if (wanted.traders.length === 0 && wanted.coins.length === 0) return null;
  const traders = new Set(wanted.traders);
  if (wanted.viewing) traders.add(wanted.viewing);
  return { traders: [...traders], coins: wanted.coins };
}

/** Clears the server's filter, then subscribes to the wanted one (serialised; re-run on reconnect). */
function applyFilter() {
  applying = applying.then(async () => {
    if (!socket?.connected) return;
    const filter = serverFilter();
    try {
      await socket.timeout(5000).emitWithAck('unsubscribe', {});
      if (filter) {
        const ack = await socket.timeout(5000).emitWithAck('subscribe', filter);
        if (!ack?.ok) console.warn('subscribe rejected:', ack?.error);
      }
    } catch (err) {
      console.warn('subscription not confirmed:', err?.message ?? err);
    }
  });
  return applying;
}
