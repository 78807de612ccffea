import Decimal from 'decimal.js';
import type { Address, DecimalString, TradeSide } from './hyperliquid.types';

/**
 * Field readers shared by the info and WebSocket parsers. Each throws a `HyperliquidParseError`
 * naming the field; list parsers catch it per element (skip + count).
 */

export class HyperliquidParseError extends Error {
  override readonly name = 'HyperliquidParseError';
  readonly code = 'HYPERLIQUID_PARSE_ERROR';

  constructor(
    /** Short machine-friendly reason, e.g. `szi: not a decimal`. */
    readonly reason: string,
  ) {
    super(`Hyperliquid response not understood: ${reason}`);
  }
}

export type JsonObject = Record<string, unknown>;

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** At most a 3-digit exponent: `1e1000000000` would expand to a gigabyte of digits. */
const LOOSE_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function fail(reason: string): never {
  throw new HyperliquidParseError(reason);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, field: string): JsonObject {
  if (!isObject(value)) fail(`${field}: not an object`);
  return value;
}

export function asArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(`${field}: not an array`);
  return value;
}

/**
 * A decimal in plain notation. Accepts strings (the exchange's form) and finite numbers.
 * Plain decimal strings are returned untouched (cheap path); exponent notation, a leading
 * `+` or `.` are rewritten to plain notation.
 */
export function normaliseDecimal(value: unknown): DecimalString | null {
  if (typeof value === 'string') {
    if (PLAIN_DECIMAL.test(value)) return value;
    if (!LOOSE_DECIMAL.test(value)) return null;
    return new Decimal(value).toFixed();
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    const s = String(value);
    return PLAIN_DECIMAL.test(s) ? s : new Decimal(s).toFixed();
  }
  return null;
}

/** True for a validated plain decimal string (what the parsers output). */
export function isPlainDecimal(value: string): boolean {
  return PLAIN_DECIMAL.test(value);
}

export function decimalField(obj: JsonObject, field: string): DecimalString {
  const d = normaliseDecimal(obj[field]);
  if (d === null) fail(`${field}: not a decimal`);
  return d;
}

/** Missing or null → null; present but invalid → error. */
export function optionalDecimalField(obj: JsonObject, field: string): DecimalString | null {
  const raw = obj[field];
  if (raw === undefined || raw === null) return null;
  const d = normaliseDecimal(raw);
  if (d === null) fail(`${field}: not a decimal`);
  return d;
}

/** A safe integer; numeric strings are accepted. */
export function integerValue(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

export function integerField(obj: JsonObject, field: string): number {
  const n = integerValue(obj[field]);
  if (n === null) fail(`${field}: not a safe integer`);
  return n;
}

export function optionalIntegerField(obj: JsonObject, field: string): number | null {
  const raw = obj[field];
  if (raw === undefined || raw === null) return null;
  const n = integerValue(raw);
  if (n === null) fail(`${field}: not a safe integer`);
  return n;
}

/** A finite number (leverage values, may in theory be fractional); numeric strings accepted. */
export function numberField(obj: JsonObject, field: string): number {
  const raw = obj[field];
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${field}: not a number`);
  return n;
}

export function stringField(obj: JsonObject, field: string): string {
  const s = obj[field];
  if (typeof s !== 'string' || s.length === 0) fail(`${field}: not a non-empty string`);
  return s;
}

export function optionalStringField(obj: JsonObject, field: string): string | null {
  const s = obj[field];
  if (s === undefined || s === null) return null;
  if (typeof s !== 'string') fail(`${field}: not a string`);
  return s;
}

export function booleanField(obj: JsonObject, field: string): boolean {
  const b = obj[field];
  if (typeof b !== 'boolean') fail(`${field}: not a boolean`);
  return b;
}

export function sideField(obj: JsonObject, field: string): TradeSide {
  const s = obj[field];
  if (s !== 'B' && s !== 'A') fail(`${field}: not B or A`);
  return s;
}

/** Validates `0x` + 40 hex and lower-cases; null when invalid. */
export function normaliseAddress(value: unknown): Address | null {
  return typeof value === 'string' && ADDRESS.test(value) ? value.toLowerCase() : null;
}

/** Like `normaliseAddress` but throws a `HyperliquidParseError` naming `field`. */
export function parseAddress(value: unknown, field = 'address'): Address {
  const a = normaliseAddress(value);
  if (a === null) fail(`${field}: not a 0x address`);
  return a;
}

export function isAddress(value: unknown): value is Address {
  return typeof value === 'string' && ADDRESS.test(value);
}

/** Applies `parse` to each element; elements that throw a parse error are skipped and counted. */
export function parseEach<T>(
  values: unknown[],
  parse: (value: unknown, index: number) => T,
): { items: T[]; invalid: number } {
  const items: T[] = [];
  let invalid = 0;
  for (let i = 0; i < values.length; i++) {
    try {
      items.push(parse(values[i], i));
    } catch (err) {
      if (!(err instanceof HyperliquidParseError)) throw err;
      invalid++;
    }
  }
  return { items, invalid };
}
