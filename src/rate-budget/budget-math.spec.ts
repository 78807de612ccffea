import {
  assertWeight,
  backoffDelayMs,
  backoffSchedule,
  effectiveWindowMs,
  memberWeight,
  waiterMember,
  windowMember,
  withJitter,
} from './budget-math';

describe('budget math', () => {
  it('adds the safety margin to the window', () => {
    expect(effectiveWindowMs(60_000, 1_000)).toBe(61_000);
    expect(effectiveWindowMs(2_000, -5)).toBe(2_000);
  });

  it('backs off 2 s, 4 s, … capped at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelayMs(n))).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
    expect(backoffDelayMs(0)).toBe(2000);
    expect(backoffDelayMs(3, 100, 250)).toBe(250);
  });

  it('lists the schedule up to the cap', () => {
    expect(backoffSchedule()).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
    expect(backoffSchedule(300, 1200)).toEqual([300, 600, 1200]);
    expect(backoffSchedule(500, 500)).toEqual([500]);
    expect(() => backoffSchedule(0, 10)).toThrow(RangeError);
    expect(() => backoffSchedule(10, 5)).toThrow(RangeError);
  });

  it('encodes weights in window and waiter members', () => {
    expect(windowMember(120, 'abc')).toBe('120:abc');
    expect(memberWeight(windowMember(120, 'a:b'))).toBe(120);
    expect(waiterMember('high', 2, 'x')).toBe('h:2:x');
    expect(waiterMember('low', 60, 'y')).toBe('l:60:y');
  });

  it('accepts only whole weights that can fit', () => {
    expect(() => assertWeight(2, 1200)).not.toThrow();
    expect(() => assertWeight(1200, 1200)).not.toThrow();
    expect(() => assertWeight(1201, 1200)).toThrow(/could never be granted/);
    expect(() => assertWeight(0, 1200)).toThrow(RangeError);
    expect(() => assertWeight(2.5, 1200)).toThrow(RangeError);
    expect(() => assertWeight(Number.NaN, 1200)).toThrow(RangeError);
    expect(() => assertWeight(0, 1200, 'actualWeight', 0)).not.toThrow();
  });

  it('adds jitter in [0, jitterMs)', () => {
    expect(withJitter(100, 15, () => 0)).toBe(100);
    expect(withJitter(100, 15, () => 0.999)).toBe(114);
    expect(withJitter(-5, 0)).toBe(0);
  });
});
