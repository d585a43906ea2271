import { ParseUUIDPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DomainError } from '../common/errors/domain-error';

export const conversationIdParam = () =>
  new ParseUUIDPipe({ exceptionFactory: () => new DomainError('request/invalid', '请求参数有误：id 无效', [{ field: 'id', problem: 'id 无效' }]) });

/** GET /api/conversations/:id/messages: the messages after `afterSeq`, oldest first. */
export class HistoryQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'afterSeq 必须是整数' })
  @Min(0, { message: 'afterSeq 不能为负数' })
  afterSeq = 0;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit 必须是整数' })
  @Min(1, { message: 'limit 至少为 1' })
  @Max(200, { message: 'limit 不能超过 200' })
  limit = 50;
}
