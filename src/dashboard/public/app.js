// traderscout dashboard: hash routing between the overview (#/), a trader (#/trader/0x…) and the
// Copy panel (#/copy; #follower=<id>&token=<token> opens a follower there).
import { COPY_ROUTE, hideCopy, showCopy, startCopyPanel, takeFollowerFragment } from './copy.js';
import { $, fill, isAddress } from './dom.js';
import { startFeed } from './feed.js';
import { startLeaderboard } from './leaderboard.js';
import * as live from './live.js';
import { startSystemPanel } from './system.js';
import { hideTrader, showBadTrader, showTrader, startTraderPage } from './trader.js';

const TRADER_ROUTE = /^#\/trader\/([^/?#]*)\/?$/;

const VIEWS = ['#overview', '#trader', '#copy'];

function show(view) {
  for (const sel of VIEWS) $(sel).hidden = sel !== view;
}

function route() {
  takeFollowerFragment(location.hash); // a follower's fragment becomes #/copy
  const hash = location.hash;
  const m = TRADER_ROUTE.exec(hash);
  const leaving = (view) => {
    if (view !== '#trader' && !$('#trader').hidden) hideTrader();
    if (view !== '#copy' && !$('#copy').hidden) hideCopy();
  };
  if (m) {
    const address = decodeURIComponent(m[1]).toLowerCase();
    leaving('#trader');
    show('#trader');
    if (isAddress(address)) {
      document.title = `${address.slice(0, 10)}… · traderscout`;
      void showTrader(address);
    } else {
      document.title = 'traderscout dashboard';
      showBadTrader(address);
    }
    window.scrollTo(0, 0);
    $('#tr-title').focus({ preventScroll: true });
  } else if (hash === COPY_ROUTE) {
    leaving('#copy');
    show('#copy');
    document.title = 'Copy · traderscout';
    showCopy();
    window.scrollTo(0, 0);
    if (!document.activeElement?.closest?.('#cp-form')) $('#cp-title').focus({ preventScroll: true });
  } else if (hash === '' || hash === '#' || hash.startsWith('#/')) {
    leaving('#overview');
    show('#overview');
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
  startCopyPanel();
  window.addEventListener('hashchange', route);
  route();
  document.documentElement.dataset.ready = 'true';
}

main();
