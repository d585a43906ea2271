export function roomReturnUrl(_sessionId: string): string {
  return ''
}
