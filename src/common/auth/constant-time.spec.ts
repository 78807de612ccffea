import { secretsEqual } from './constant-time';

describe('secretsEqual', () => {
  it('is true only for the same secret', () => {
    expect(secretsEqual('s3cret', 's3cret')).toBe(true);
    expect(secretsEqual('s3cret', 's3creT')).toBe(false);
    expect(secretsEqual('', 's3cret')).toBe(false);
    expect(secretsEqual('s3cret-and-more', 's3cret')).toBe(false);
  });
});
