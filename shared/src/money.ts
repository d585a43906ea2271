/** Amounts are integers in fen everywhere; this only formats them for people. */
export function formatFen(fen: number): string {
  if (!Number.isInteger(fen)) throw new RangeError(`amount must be an integer number of fen, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
