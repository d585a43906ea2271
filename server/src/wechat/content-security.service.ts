import { Injectable, Logger } from '@nestjs/common';
import { WechatApiClient, WechatApiError } from './wechat-api.client';

export type ModerationDecision = 'publish' | 'hold' | 'reject';

/**
 * WeChat content security for user text. Policy when WeChat cannot answer (outage, quota,
 * timeout): the content is held for human review, never published unchecked and never
 * rejected for our failure. `review` verdicts are held too; `risky` is rejected.
 */
@Injectable()
export class ContentSecurityService {
  private readonly logger = new Logger(ContentSecurityService.name);

  constructor(private readonly api: WechatApiClient) {}

  async check(text: string, openid: string, scene: 1 | 2 | 3 | 4): Promise<{ decision: ModerationDecision; reason: string }> {
    try {
      const { verdict, label } = await this.api.checkText(text, openid, scene);
      if (verdict === 'pass') return { decision: 'publish', reason: 'wechat:pass' };
      return { decision: verdict === 'risky' ? 'reject' : 'hold', reason: `wechat:${verdict}:${label ?? ''}` };
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      this.logger.warn(`content security unavailable (${err.message}); holding for review`);
      return { decision: 'hold', reason: `wechat:unavailable:${err.errcode}` };
    }
  }
}
