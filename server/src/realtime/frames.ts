import type { ClientFrame, ServerFrame } from '@qingting/shared';
import type { RawData } from 'ws';
import { DomainError } from '../common/errors/domain-error';

/** A client frame as received: a JSON object with a string `type`; handlers check the other fields with `field`. */
export type IncomingFrame = { type: string } & Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const bad = (problem: string) => new DomainError('ws/bad_frame', `消息格式有误：${problem}`);

/** Parses one text frame; anything but a JSON object with a string `type` is `ws/bad_frame`. */
export function parseFrame(data: RawData, isBinary: boolean): IncomingFrame {
  if (isBinary) throw bad('只接受文本帧');
  let value: unknown;
  try {
    value = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString());
  } catch {
    throw bad('不是有效的 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
    throw bad('缺少 type');
  }
  return value as IncomingFrame;
}

/** Field checks for handlers: each returns the typed value or throws `ws/bad_frame` naming the field. */
export const field = {
  uuid(frame: IncomingFrame, name: string): string {
    const value = frame[name];
    if (typeof value !== 'string' || !UUID.test(value)) throw bad(`${name} 无效`);
    return value.toLowerCase();
  },
  string(frame: IncomingFrame, name: string, maxLength: number, minLength = 0): string {
    const value = frame[name];
    if (typeof value !== 'string' || value.length < minLength || value.length > maxLength) throw bad(`${name} 无效`);
    return value;
  },
  int(frame: IncomingFrame, name: string, min: number): number {
    const value = frame[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw bad(`${name} 无效`);
    return value;
  },
};

/** The `ref` of an error frame: the clientId of a refused send, else the frame's type. */
export function refOf(frame: IncomingFrame | undefined): string | null {
  if (!frame) return null;
  if (frame.type === 'send' && typeof frame.clientId === 'string' && frame.clientId.length <= 64) return frame.clientId;
  return frame.type.slice(0, 32);
}

export function errorFrame(ref: string | null, err: DomainError): ServerFrame {
  return { type: 'error', ref, code: err.code, message: err.message };
}

/** Client frame types a module may register a handler for (`auth` and `ping` belong to the connection). */
export type HandledType = Exclude<ClientFrame['type'], 'auth' | 'ping'>;
