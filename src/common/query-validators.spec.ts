import { isIsoDateTime, parseIsoUtc } from './query-validators';

describe('isIsoDateTime', () => {
  it('accepts real dates and date-times', () => {
    for (const v of [
      '2026-01-31',
      '2024-02-29',
      '2026-02-28T23:59:59Z',
      '2026-12-31T00:00',
      '2026-06-01T12:30:00.123456789+02:00',
      '2026-06-01T12:30:00-0530',
    ]) {
      expect(isIsoDateTime(v)).toBe(true);
    }
  });

  it('rejects days, times and offsets that do not exist', () => {
    for (const v of [
      '2026-02-30',
      '2026-02-29',
      '2100-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-01-01T24:00:00Z',
      '2026-01-01T12:60Z',
      '2026-01-01T12:00:61Z',
      '2026-01-01T12:00:00+24:00',
      '2026-01-01T12:00:00+01:60',
      '0000-01-01',
      '2026-1-1',
      '20260101',
      'yesterday',
      '',
    ]) {
      expect(isIsoDateTime(v)).toBe(false);
    }
  });

  it('matches what parseIsoUtc reads (no offset = UTC)', () => {
    expect(parseIsoUtc('2026-03-02T10:00').toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(parseIsoUtc('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});
