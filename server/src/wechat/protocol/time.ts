/**
 * WeChat speaks China Standard Time (UTC+08:00, no daylight saving): RFC3339 times carry
 * `+08:00`, bill dates and bill timestamps are Beijing calendar dates and wall-clock times.
 */
const CST_OFFSET_MS = 8 * 3600 * 1000;

function cstParts(date: Date): string {
  return new Date(date.getTime() + CST_OFFSET_MS).toISOString(); // shifted, so the "Z" digits are Beijing wall-clock
}

/** `2024-05-01T10:00:00+08:00`, the form of `create_time`, `success_time`, `time_expire`. */
export function formatWechatTime(date: Date): string {
  return `${cstParts(date).slice(0, 19)}+08:00`;
}

/** `2024-05-01 10:00:00`, the form of bill timestamps. */
export function formatBillTime(date: Date): string {
  return cstParts(date).slice(0, 19).replace('T', ' ');
}

/** The Beijing calendar date `YYYY-MM-DD` a moment falls on. */
export function billDateOf(date: Date): string {
  return cstParts(date).slice(0, 10);
}

/** When the bill for `billDate` becomes downloadable: 10:00 Beijing time on the next day. */
export function billAvailableAt(billDate: string): Date {
  const midnight = Date.parse(`${billDate}T00:00:00+08:00`);
  return new Date(midnight + 24 * 3600 * 1000 + 10 * 3600 * 1000);
}

export function isBillDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && billDateOf(new Date(`${value}T00:00:00+08:00`)) === value;
}
