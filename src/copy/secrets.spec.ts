import { decryptSecret, encryptSecret, hashToken, newCloid, newFollowerToken } from './secrets';

describe('secrets', () => {
  const key = 'a'.repeat(64);
  it('round-trips agent keys, refuses another key, never shows the plaintext', () => {
    const secret = `0x${'1f'.repeat(32)}`;
    const sealed = encryptSecret(key, secret);
    expect(sealed).not.toContain('1f1f');
    expect(decryptSecret(key, sealed)).toBe(secret);
    expect(() => decryptSecret('b'.repeat(64), sealed)).toThrow(/COPY_KEY_ENCRYPTION_KEY/);
    expect(encryptSecret(key, secret)).not.toBe(sealed); // random IV
  });

  it('tokens are random and hashed; cloids are 0x + 32 hex, never small integers', () => {
    const a = newFollowerToken();
    expect(a).not.toBe(newFollowerToken());
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    for (let i = 0; i < 100; i++) {
      const c = newCloid();
      expect(c).toMatch(/^0x[0-9a-f]{32}$/);
      expect(BigInt(c) > 2n ** 120n).toBe(true);
    }
  });
});
