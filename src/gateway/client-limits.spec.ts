import { clientIp, ConnectionCap, MESSAGE_BURST, MESSAGES_PER_SECOND, TokenBucket } from './client-limits';

describe('TokenBucket', () => {
  it('allows the burst at once, then the sustained rate', () => {
    const t0 = 1_000_000;
    const bucket = new TokenBucket(MESSAGES_PER_SECOND, MESSAGE_BURST, t0);
    for (let i = 0; i < MESSAGE_BURST; i++) expect(bucket.take(t0)).toBe(true);
    expect(bucket.take(t0)).toBe(false);
    // One second later: exactly MESSAGES_PER_SECOND more.
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(t0 + 1000)) allowed++;
    expect(allowed).toBe(MESSAGES_PER_SECOND);
  });

  it('refills to the burst, never beyond', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) bucket.take(0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (bucket.take(3_600_000)) allowed++;
    expect(allowed).toBe(5);
  });

  it('cuts a flood of 10,000 messages after about the burst', () => {
    const bucket = new TokenBucket();
    const start = Date.now();
    let allowed = 0;
    for (let i = 0; i < 10_000; i++) if (bucket.take(start + i / 100)) allowed++; // 100 µs apart
    expect(allowed).toBeLessThanOrEqual(MESSAGE_BURST + 1);
  });
});

describe('ConnectionCap', () => {
  it('counts per IP and frees slots on close', () => {
    const cap = new ConnectionCap(2);
    expect(cap.open('1.2.3.4')).toBe(true);
    expect(cap.admits('1.2.3.4')).toBe(true);
    expect(cap.open('1.2.3.4')).toBe(true);
    expect(cap.admits('1.2.3.4')).toBe(false);
    expect(cap.open('1.2.3.4')).toBe(false);
    expect(cap.open('5.6.7.8')).toBe(true);
    cap.close('1.2.3.4');
    expect(cap.of('1.2.3.4')).toBe(1);
    expect(cap.open('1.2.3.4')).toBe(true);
    cap.close('1.2.3.4');
    cap.close('1.2.3.4');
    cap.close('1.2.3.4'); // an extra close never goes negative
    expect(cap.of('1.2.3.4')).toBe(0);
  });
});

describe('clientIp', () => {
  it('uses the socket address unless proxies are trusted', () => {
    expect(clientIp('::ffff:10.0.0.1', '1.1.1.1', 0)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('reads X-Forwarded-For that many hops back, like Express', () => {
    expect(clientIp('10.0.0.1', '6.6.6.6, 1.1.1.1', 1)).toBe('1.1.1.1');
    expect(clientIp('10.0.0.1', '6.6.6.6, 1.1.1.1, 10.0.0.2', 2)).toBe('1.1.1.1');
    expect(clientIp('10.0.0.1', ['6.6.6.6', '1.1.1.1'], 5)).toBe('6.6.6.6'); // fewer entries than hops: the farthest
  });
});
