// Small DOM and formatting helpers. Everything from the API becomes text nodes (never HTML).

/**
 * h('a', { href, class: 'x', dataset: { id: 1 }, onclick }, 'text', child…): an element.
 * Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);

const ADDRESS_RE = /^0x[0-9a-f]{40}$/;
export const isAddress = (s) => typeof s === 'string' && ADDRESS_RE.test(s);

/** 0x1234…abcd */
export const shortAddress = (a) => (typeof a === 'string' && a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : String(a ?? ''));

/** A link to a trader's page. */
export const traderLink = (address, label = shortAddress(address)) =>
  h('a', { href: `#/trader/${address}`, class: 'mono', title: address }, label);

const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));

/** A typographic minus, and no "−0" / "−$0.00" for values that round to zero. */
const minus = (text) => (/^-[^1-9]*$/.test(text) ? text.slice(1) : text.replace(/^-/, '−'));

const usdCompact = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 2 });
const usdFull = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Money from a decimal string: $1.25M (or the full amount under 10k). */
export function usd(v) {
  const n = num(v);
  if (n === null || !Number.isFinite(n)) return '—';
  return minus(Math.abs(n) >= 10_000 ? usdCompact.format(n) : usdFull.format(n));
}

export const fullUsd = (v) => {
  const n = num(v);
  return n === null || !Number.isFinite(n) ? '—' : minus(usdFull.format(n));
};

/** A fraction as a percentage: 0.625 → 62.5% */
export function pct(v, digits = 1) {
  const n = num(v);
  return n === null || !Number.isFinite(n) ? '—' : `${minus((n * 100).toFixed(digits))}%`;
}

export function decimal(v, digits = 3) {
  const n = num(v);
  return n === null || !Number.isFinite(n) ? '—' : minus(n.toFixed(digits));
}

export const count = (v) => {
  const n = num(v);
  return n === null || !Number.isFinite(n) ? '—' : integer.format(n);
};

/** A size or price from a decimal string, without losing its digits for small values. */
export function size(v) {
  const n = num(v);
  return n === null || !Number.isFinite(n) ? '—' : minus(plain.format(n));
}

/** +1.5 / −0.25 */
export function signed(v) {
  const n = num(v);
  if (n === null || !Number.isFinite(n)) return '—';
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${plain.format(Math.abs(n))}`;
}

/** A CSS class for a value's sign: pos, neg or nothing. */
export const signClass = (v) => {
  const n = num(v);
  return n === null || !Number.isFinite(n) || n === 0 ? '' : n > 0 ? 'pos' : 'neg';
};

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago" */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.round(s)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** HH:MM:SS (local time), with the full ISO time as the title. */
export function timeOf(iso) {
  const d = new Date(iso);
  return h('time', { datetime: iso, title: d.toISOString() }, d.toLocaleTimeString([], { hour12: false }));
}

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString([], { hour12: false, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** position_opened → opened */
export const eventLabel = (type) => String(type ?? '').replace(/^position_/, '');

/** Calls fn at most once per `ms` after the last call. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Splits "a, b c" into trimmed, non-empty, de-duplicated entries. */
export const splitList = (text) => [...new Set(String(text ?? '').split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean))];
