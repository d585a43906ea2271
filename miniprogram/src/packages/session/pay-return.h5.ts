const ROOM_PATH = '/packages/session/room/index'

type Loc = { origin: string; pathname: string }

/** This app's room for the session, as an absolute URL (hash routing), for the cashier to return to. */
export function roomReturnUrl(sessionId: string): string {
  const loc = (globalThis as { location?: Loc }).location
  const base = loc ? `${loc.origin}${loc.pathname}` : ''
  return `${base}#${ROOM_PATH}?id=${encodeURIComponent(sessionId)}`
}
