import type { PayErrorBody } from '../wechat/protocol/types';

/** An APIv3 error answer: HTTP status plus WeChat's `{code, message, detail?}` body. */
export class PayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: PayErrorBody['detail'],
  ) {
    super(message);
  }

  get body(): PayErrorBody {
    return this.detail ? { code: this.code, message: this.message, detail: this.detail } : { code: this.code, message: this.message };
  }
}

/** 400 PARAM_ERROR naming the field, the way WeChat reports body validation failures. */
export function paramError(field: string, issue: string): PayError {
  return new PayError(400, 'PARAM_ERROR', `参数错误：${field} ${issue}`, { field, issue, location: 'body' });
}
