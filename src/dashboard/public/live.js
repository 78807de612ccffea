// The live connection: one Socket.IO client on namespace /updates, shared by the feed and the
// trader page. The server-side filter is the feed's filter plus the trader being viewed; with no
// feed filter the page receives everything (the contract: no subscription = all events).
// The Copy panel's follower room (`subscribe {"follower","token"}`) is joined on the same socket.
import { io } from './socket.io.esm.min.js';
import { BASE } from './api.js';

const handlers = {
  trade_event: new Set(),
  leaderboard_updated: new Set(),
  status: new Set(),
  subscribed: new Set(),
  copy_order: new Set(),
  copy_alert: new Set(),
  follower_room: new Set(),
};
const wanted = { traders: [], coins: [], viewing: null, follower: null };
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
    void joinFollowerRoom();
  });
  socket.on('disconnect', (reason) => setStatus(false, reason === 'io client disconnect' ? 'disconnected' : 'reconnecting…'));
  socket.on('connect_error', () => setStatus(false, 'reconnecting…'));
  socket.on('trade_event', (e) => emit('trade_event', e));
  socket.on('leaderboard_updated', (u) => emit('leaderboard_updated', u));
  socket.on('subscribed', (s) => emit('subscribed', s));
  socket.on('copy_order', (o) => emit('copy_order', o));
  socket.on('copy_alert', (a) => emit('copy_alert', a));
  // A refused follower room is the Copy panel's to show (its ack says so), not a console warning.
  socket.on('error', (err) => err?.message !== 'unauthorized' && console.warn('live updates:', err?.event, err?.message));
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

/**
 * The follower whose room the Copy panel wants ({id, token}) or null. The server has no way to
 * leave a follower room, so the panel also checks `follower_id` on what arrives; the room is
 * joined again after every reconnect. Emits `follower_room` {id, ok, error?} with the answer.
 */
export function setFollower(follower) {
  wanted.follower = follower;
  return joinFollowerRoom();
}

async function joinFollowerRoom() {
  const follower = wanted.follower;
  if (!follower || !socket?.connected) return;
  let result;
  try {
    const ack = await socket.timeout(5000).emitWithAck('subscribe', { follower: follower.id, token: follower.token });
    result = { id: follower.id, ok: ack?.ok === true, error: ack?.ok === true ? undefined : ack?.error ?? 'refused' };
  } catch (err) {
    result = { id: follower.id, ok: false, error: `not confirmed (${err?.message ?? err})` };
  }
  if (wanted.follower === follower) emit('follower_room', result);
}
