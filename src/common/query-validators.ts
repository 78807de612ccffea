import { Transform } from 'class-transformer';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** `^0x` + 40 hex digits (any case); stored and returned lower-case. */
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/** Query strings are strings: turns a whole integer string into a number, leaves anything else to fail validation. */
export const ToInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value) : value));

export const ToLowerCase = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** An integer in [min, max], with one message naming the parameter (whatever is wrong with it). */
export function IsIntInRange(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIntInRange',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [min, max],
      options,
      validator: {
        validate: (value: unknown) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an integer from ${min} to ${max}`,
      },
    });
}

/** A string matching `pattern`, with one message naming the parameter. */
export function MatchesWithMessage(pattern: RegExp, what: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'matchesWithMessage',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [pattern],
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && pattern.test(value),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be ${what}`,
      },
    });
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A real ISO-8601 date or date-time: the calendar day exists (2026-02-30 does not; JavaScript's
 * Date would roll it over to March 2), hours 00–23, minutes and seconds 00–59, offsets up to ±23:59.
 */
export function isIsoDateTime(value: string): boolean {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return false;
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return !Number.isNaN(parseIsoUtc(value).getTime());
}

/** An ISO-8601 date-time (e.g. 2026-01-31T00:00:00Z or 2026-01-31), with one message naming the parameter. */
export function IsIsoDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoDateTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDateTime(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be an ISO-8601 date-time, e.g. 2026-01-31T00:00:00Z`,
      },
    });
}

/** Parses an ISO-8601 value checked by IsIsoDateTime; a date-time without an offset is UTC. */
export function parseIsoUtc(value: string): Date {
  const hasTime = value.includes('T');
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  return new Date(hasTime && !hasZone ? `${value}Z` : value);
}
