import { billDateOf, isBillDate } from '../wechat/protocol/time';

/** A real calendar date `YYYY-MM-DD` (the protocol's isBillDate throws on an impossible one such as 2024-13-01). */
export function isValidBillDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00+08:00`)) && isBillDate(value);
}

/** [00:00, 24:00) of a bill date, China time (WeChat's bill days). */
export function dayRange(billDate: string): [Date, Date] {
  const start = Date.parse(`${billDate}T00:00:00+08:00`);
  return [new Date(start), new Date(start + 86_400_000)];
}

/** `YYYY-MM-DD` plus `days` (China calendar). */
export function addDays(billDate: string, days: number): string {
  return billDateOf(new Date(Date.parse(`${billDate}T12:00:00+08:00`) + days * 86_400_000));
}
