// traderscout dashboard: hash routing between the overview (#/) and a trader (#/trader/0x…).
import { $, fill, isAddress } from './dom.js';
import { startFeed } from './feed.js';
import { startLeaderboard } from './leaderboard.js';
import * as live from './live.js';
import { startSystemPanel } from './system.js';
import { hideTrader, showBadTrader, showTrader, startTraderPage } from './trader.js';

const TRADER_ROUTE = /^#\/trader\/([^/?#]*)\/?$/;

function route() {
  const hash = location.hash;
  const m = TRADER_ROUTE.exec(hash);
  const overview = $('#overview');
  const trader = $('#trader');
  if (m) {
    const address = decodeURIComponent(m[1]).toLowerCase();
    overview.hidden = true;
    trader.hidden = false;
    if (isAddress(address)) {
      document.title = `${address.slice(0, 10)}… · traderscout`;
      void showTrader(address);
    } else {
      document.title = 'traderscout dashboard';
      showBadTrader(address);
    }
    window.scrollTo(0, 0);
    $('#tr-title').focus({ preventScroll: true });
  } else if (hash === '' || hash === '#' || hash.startsWith('#/')) {
    if (!trader.hidden) hideTrader();
    trader.hidden = true;
    overview.hidden = false;
    document.title = 'traderscout dashboard';
  }
  // Any other fragment (#main, …) is an in-page link: leave the view as it is.
}

function main() {
  live.on('status', ({ connected, text }) => {
    const pill = $('#conn');
    fill(pill, text);
    pill.className = `pill ${connected ? 'ok' : 'warn'}`;
  });
  live.connect();
  startSystemPanel();
  startLeaderboard();
  startFeed();
  startTraderPage();
  window.addEventListener('hashchange', route);
  route();
  document.documentElement.dataset.ready = 'true';
}

main();
