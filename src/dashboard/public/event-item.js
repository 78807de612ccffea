// One trade event as a list item (the live feed and the trader page).
import { eventLabel, h, signClass, signed, size, timeOf, traderLink } from './dom.js';

/** `origin`: live (arrived over Socket.IO) or history (read from the REST API). */
export function eventItem(e, origin, { showTrader = true } = {}) {
  const d = e.details ?? {};
  const kind = eventLabel(e.event_type);
  const price = d.mark_price ?? d.entry_price;
  return h(
    'li',
    { class: `ev ${origin === 'live' ? 'fresh' : ''}`, dataset: { id: e.id, trader: e.trader_address, coin: d.coin, origin } },
    timeOf(e.timestamp),
    h('span', { class: `badge ${kind}` }, kind),
    h('span', { class: 'coin' }, d.coin, h('span', { class: `side ${d.side === 'short' ? 'neg' : 'pos'}` }, d.side)),
    h(
      'span',
      { class: 'change' },
      // Each part stays whole; the line may break between them.
      h('span', { class: signClass(d.size_change) }, signed(d.size_change)),
      ' ',
      h('span', { class: 'muted' }, `→ ${size(d.current_size)}`),
      price ? [' ', h('span', { class: 'muted', title: d.mark_price ? 'mark price' : 'entry price' }, `@ ${size(price)}`)] : null,
    ),
    showTrader ? traderLink(e.trader_address) : null,
    d.source === 'snapshot' ? h('span', { class: 'src', title: 'Seen in a clearinghouseState snapshot, not in the trade stream' }, 'snapshot') : null,
  );
}
