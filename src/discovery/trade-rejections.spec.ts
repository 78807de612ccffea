import { Counter, Registry } from 'prom-client';
import { TradeRejectionLog } from './trade-rejections';

describe('TradeRejectionLog', () => {
  function setup() {
    const registry = new Registry();
    const counter = new Counter({ name: 'rejected', help: 'h', labelNames: ['reason'], registers: [registry] });
    const lines: Array<Record<string, unknown>> = [];
    let now = 1_000_000;
    const log = new TradeRejectionLog(counter, { warn: (m: unknown) => lines.push(m as Record<string, unknown>) }, () => now);
    const count = async (reason: string) => (await counter.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;
    return { log, lines, count, advance: (ms: number) => (now += ms) };
  }

  it('counts every rejection by reason but logs one sample per reason per 10 s, with the count since the last', async () => {
    const { log, lines, count, advance } = setup();
    const flood = Array.from({ length: 1000 }, (_, i) => ({ reason: 'px' as const, sample: `{"px":"1e${400 + i}"}` }));
    log.record(flood);
    log.record([{ reason: 'time', sample: '{"time":9e15}' }]);
    expect(await count('px')).toBe(1000);
    expect(await count('time')).toBe(1);
    expect(lines).toEqual([
      { msg: 'stream trade rejected', reason: 'px', count: 1, sample: '{"px":"1e400"}' },
      { msg: 'stream trade rejected', reason: 'time', count: 1, sample: '{"time":9e15}' },
    ]);
    advance(9_999);
    log.record([{ reason: 'px', sample: 'a' }]);
    expect(lines).toHaveLength(2);
    advance(1);
    log.record([{ reason: 'px', sample: 'b' }]);
    expect(lines[2]).toEqual({ msg: 'stream trade rejected', reason: 'px', count: 1001, sample: 'b' });
  });
});
