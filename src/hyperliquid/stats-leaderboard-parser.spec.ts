import { readFileSync } from 'fs';
import { join } from 'path';
import { parseExchangeBoard } from './stats-leaderboard-parser';

const sample = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/info/statsLeaderboard.sample.json'), 'utf8'));

describe('parseExchangeBoard', () => {
  it('reads the recorded row: address lower-case, account value, every window', () => {
    const { rows, invalid } = parseExchangeBoard(sample);
    expect(invalid).toBe(0);
    expect(rows).toEqual([
      {
        address: '0x162cc7c861ebd0c06b3d72319201150482518185',
        accountValue: '48857952.3308470026',
        displayName: 'ABC',
        windows: {
          day: { pnl: '644054.375913', roi: '0.0133582723', vlm: '3250555746.66' },
          week: { pnl: '3528804.427511', roi: '0.0729632296', vlm: '22918292160.97' },
          month: { pnl: '876456.769935', roi: '0.0158501266', vlm: '48037528566.37' },
          allTime: { pnl: '30223465.310847', roi: '0.4895956489', vlm: '608739069893.13' },
        },
      },
    ]);
  });

  it('skips and counts malformed rows, keeps the first of a repeated address, leaves out unknown or malformed windows', () => {
    const good = sample.leaderboardRows[0];
    const { rows, invalid } = parseExchangeBoard({
      leaderboardRows: [
        { ...good, ethAddress: good.ethAddress.toUpperCase().replace('0X', '0x'), displayName: null },
        good,
        { ...good, ethAddress: 'nope' },
        { ...good, accountValue: 'lots' },
        { ...good, ethAddress: '0x' + '1'.repeat(40), windowPerformances: [['decade', {}], ['day', { pnl: 'x', roi: '0', vlm: '0' }]] },
        42,
      ],
    });
    expect(rows.map((r) => r.address)).toEqual([good.ethAddress, '0x' + '1'.repeat(40)].map((a: string) => a.toLowerCase()));
    expect(rows[0].displayName).toBeNull();
    expect(rows[1].windows).toEqual({});
    expect(invalid).toBe(3);
  });

  it('rejects a body that is not the file', () => {
    expect(() => parseExchangeBoard([])).toThrow(/leaderboard/);
    expect(() => parseExchangeBoard({ rows: [] })).toThrow(/leaderboardRows/);
  });
});
