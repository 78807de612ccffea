import { VaultWatch } from './vault-watch';

const addr = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;

describe('VaultWatch', () => {
  it('flags, once, an address that is a party to a large share of a coin’s recent trades', () => {
    const watch = new VaultWatch({ window: 100, share: 0.2 });
    const vault = addr(999);
    for (let i = 0; i < 200; i++) {
      // The vault is the seller in one trade of four (25 %); everyone else trades once.
      watch.observe('BTC', addr(i), i % 4 === 0 ? vault : addr(1000 + i));
    }
    expect(watch.take()).toEqual([vault]);
    for (let i = 0; i < 200; i++) watch.observe('BTC', addr(i), i % 4 === 0 ? vault : addr(1000 + i));
    expect(watch.take()).toEqual([]);
  });

  it('leaves ordinary traders and a window not yet full alone', () => {
    const watch = new VaultWatch({ window: 100, share: 0.2 });
    const busy = addr(7);
    for (let i = 0; i < 30; i++) watch.observe('ETH', busy, addr(100 + i)); // 30 of 30: window not full
    expect(watch.take()).toEqual([]);
    const other = new VaultWatch({ window: 100, share: 0.2 });
    for (let i = 0; i < 400; i++) other.observe('ETH', addr(i), i % 10 === 0 ? busy : addr(5000 + i)); // 10 %
    expect(other.take()).toEqual([]);
  });
});
