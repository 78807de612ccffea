import { originAllowed } from './origin-policy';

describe('originAllowed', () => {
  it('allows anything under *', () => {
    expect(originAllowed('http://evil.test', '*')).toBe(true);
  });

  it('allows listed origins and clients without an Origin', () => {
    expect(originAllowed('http://a.test', ['http://a.test'])).toBe(true);
    expect(originAllowed(undefined, ['http://a.test'])).toBe(true);
  });

  it('refuses an unlisted browser origin', () => {
    expect(originAllowed('http://evil.test', ['http://a.test'])).toBe(false);
  });
});
