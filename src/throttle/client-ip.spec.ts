import { clientIp } from './client-ip';

const req = (remote: string, xff?: string) => ({ socket: { remoteAddress: remote }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as never;

describe('clientIp (Express req.ip with trust proxy = hops)', () => {
  it('is the peer without trusted proxies', () => {
    expect(clientIp(req('10.0.0.1', '1.2.3.4'), 0)).toBe('10.0.0.1');
  });
  it('takes the X-Forwarded-For entry as many steps from the right as there are trusted hops', () => {
    expect(clientIp(req('10.0.0.1', '1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientIp(req('10.0.0.1', '9.9.9.9, 1.2.3.4, 10.0.0.2'), 2)).toBe('1.2.3.4');
    expect(clientIp(req('10.0.0.1', '1.2.3.4'), 5)).toBe('1.2.3.4'); // fewer entries than hops: the leftmost
    expect(clientIp(req('10.0.0.1', ' 1.2.3.4 ,, 10.0.0.2'), 2)).toBe('1.2.3.4'); // empty entries skipped
    expect(clientIp(req('10.0.0.1'), 1)).toBe('10.0.0.1');
  });
});
