import { ParseUUIDPipe } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DomainError } from '../common/errors/domain-error';
import { PageQuery } from '../common/page-query.dto';

export const PAYOUT_STATUSES = ['PENDING', 'WAIT_USER_CONFIRM', 'PROCESSING', 'SUCCESS', 'FAILED', 'CANCELLED'] as const;

/** A path id that must be a UUID; anything else is 400 `request/invalid`. */
export const payoutIdParam = () => new ParseUUIDPipe({ exceptionFactory: () => new DomainError('request/invalid', '请求参数有误：id 无效', [{ field: 'id', problem: 'id 无效' }]) });

/** A withdrawal of `amountFen` from the withdrawable balance (the minimum and the limits are checked by the service). */
export class CreatePayoutBody {
  @IsInt({ message: 'amountFen 必须是整数（分）' })
  @Min(1, { message: 'amountFen 至少为 1 分' })
  @Max(100_000_000, { message: 'amountFen 超出范围' })
  amountFen!: number;
}

export class OpsPayoutsQuery extends PageQuery {
  @IsOptional()
  @IsIn(PAYOUT_STATUSES, { message: 'status 无效' })
  status?: (typeof PAYOUT_STATUSES)[number];

  @IsOptional()
  @IsUUID('all', { message: 'listenerId 无效' })
  listenerId?: string;
}
