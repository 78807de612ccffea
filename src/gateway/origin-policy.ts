/**
 * Whether a WebSocket upgrade from this Origin may connect, under CORS_ORIGINS. Browsers send
 * Origin on WebSocket upgrades but CORS does not apply to them, so the gateways check it
 * themselves. Non-browser clients send no Origin and are allowed. Pure.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[] | '*'): boolean {
  if (allowed === '*' || origin === undefined || origin === '') return true;
  return allowed.includes(origin);
}
