// The REST API, relative to where the app is mounted: the page lives at <base>dashboard, so
// document.baseURI's directory is <base> (works on any host and behind a path prefix).

export const BASE = new URL('.', document.baseURI);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * GET a JSON route with query parameters (empty values left out) and extra request headers
 * (e.g. a follower's Authorization); throws ApiError with the server's message.
 */
export async function getJson(path, params = {}, headers = {}) {
  const url = new URL(path, BASE);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  let res;
  try {
    // no-cache: revalidate (ETag → 304) rather than trust max-age, so a reload on a live event sees the new board.
    res = await fetch(url, { headers: { ...headers, accept: 'application/json' }, cache: 'no-cache' });
  } catch {
    throw new ApiError(0, 'the server is unreachable');
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: keep the status text
  }
  if (!res.ok) {
    const retry = res.headers.get('retry-after');
    const message = (body && typeof body.message === 'string' && body.message) || res.statusText || `HTTP ${res.status}`;
    throw new ApiError(res.status, retry ? `${message} (retry in ${retry} s)` : message);
  }
  return body;
}

/** POST a JSON body to a route; the answer's JSON, or ApiError with the server's message. */
export async function postJson(path, body) {
  let res;
  try {
    res = await fetch(new URL(path, BASE), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'the server is unreachable');
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (json && typeof json.message === 'string' && json.message) || res.statusText || `HTTP ${res.status}`);
  return json;
}
