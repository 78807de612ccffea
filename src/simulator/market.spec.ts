import { FlowGenerator } from './flow-generator';
import { Market } from './market';
import { Rng } from './rng';
import { HLP_ADDRESS } from './state';

const clock = () => 1_700_000_000_000;

describe('Market', () => {
  it('builds the same population for the same seed', () => {
    const a = new Market({ seed: 5, traders: 30, clock });
    const b = new Market({ seed: 5, traders: 30, clock });
    const c = new Market({ seed: 6, traders: 30, clock });
    expect(a.traders.map((t) => t.address)).toEqual(b.traders.map((t) => t.address));
    expect(a.traders.map((t) => t.cashMicro)).toEqual(b.traders.map((t) => t.cashMicro));
    expect(a.traders.map((t) => t.address)).not.toEqual(c.traders.map((t) => t.address));
    expect(a.traders).toHaveLength(35);
    expect(a.trader(HLP_ADDRESS)?.role).toBe('vault');
  });

  it('nets open interest to zero and keeps it there through trades', () => {
    const m = new Market({ seed: 2, traders: 40, clock });
    const g = new FlowGenerator(m, new Rng(2).fork('flow'));
    g.generate(5000);
    for (let c = 0; c < m.coins.length; c++) {
      let net = 0;
      for (const t of m.traders) net += t.positions[c]?.szi ?? 0;
      expect(net).toBe(0);
    }
  });

  it('generates the same trade sequence for the same seed', () => {
    const run = () => {
      const m = new Market({ seed: 11, traders: 20, clock });
      const out: string[] = [];
      m.onTrades = (_c, ts) => ts.forEach((t) => out.push(m.tradeJson(t)));
      new FlowGenerator(m, new Rng(11).fork('flow')).generate(500);
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('charges fees and realizes pnl into cash', () => {
    const m = new Market({ seed: 1, traders: 2, coins: ['ETH'], clock });
    const a = m.ensureTrader('0x' + 'a'.repeat(40));
    const b = m.ensureTrader('0x' + 'b'.repeat(40));
    const cash = a.cashMicro;
    // 1 ETH at 2000, then sell it at 2100: +100 pnl, fees 0.045% taker on both.
    m.executeTrade(0, a, b, 10_000, 200_000, 'B', m.newHashId(), clock());
    m.executeTrade(0, b, a, 10_000, 210_000, 'A', m.newHashId(), clock());
    expect(a.positions[0]).toBeUndefined();
    expect(a.cashMicro - cash).toBe(100_000_000 - 900_000 - 945_000);
    expect(a.fills.toArray().map((f) => f.dir)).toEqual(['Open Long', 'Close Long']);
    expect(a.volumeMicro).toBe(4_100_000_000n);
  });
});
