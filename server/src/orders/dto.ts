import { ParseUUIDPipe } from '@nestjs/common';
import { PACKAGE_MINUTES, SERVICE_TYPES, TOPIC_CODES, type ServiceType, type Topic } from '@qingting/shared';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQuery } from '../common/page-query.dto';
import { DomainError } from '../common/errors/domain-error';

export const ORDER_STATUSES = [
  'PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'SETTLED', 'CLOSED', 'REFUNDING', 'REFUNDED', 'PARTIALLY_REFUNDED', 'DISPUTED',
] as const;
export type OrderStatusCode = (typeof ORDER_STATUSES)[number];

/** A path id that must be a UUID; anything else is 400 `request/invalid`. */
export const orderIdParam = () => new ParseUUIDPipe({ exceptionFactory: () => new DomainError('request/invalid', '请求参数有误：id 无效', [{ field: 'id', problem: 'id 无效' }]) });

/**
 * A new order. The price is never sent: the server computes it from the listener's current
 * price (any price field is an unknown field, refused by the validation pipe). Exactly one of
 * `units` (a session of 15-minute units) or `packageId` (a topic package); `units` with
 * `balanceId` spends minutes of a package bought earlier instead of paying.
 */
export class CreateOrderBody {
  @IsUUID('4', { message: 'listenerId 无效' })
  listenerId!: string;

  @IsIn(SERVICE_TYPES, { message: 'serviceType 必须是 TEXT 或 VOICE' })
  serviceType!: ServiceType;

  @IsOptional()
  @IsInt({ message: 'units 必须是整数' })
  @Min(1, { message: 'units 至少为 1' })
  @Max(100, { message: 'units 超出范围' })
  units?: number;

  @IsOptional()
  @IsUUID('4', { message: 'packageId 无效' })
  packageId?: string;

  /** Pay the `units` with minutes from this package balance of the talker's (no WeChat payment). */
  @IsOptional()
  @IsUUID('4', { message: 'balanceId 无效' })
  balanceId?: string;

  @IsOptional()
  @IsIn(TOPIC_CODES, { message: 'topic 无效' })
  topic?: Topic;
}

/** A topic package a listener puts on sale (the rules beyond the shape are in TopicPackagesService). */
export class CreatePackageBody {
  @IsIn(TOPIC_CODES, { message: 'topic 无效' })
  topic!: Topic;

  @IsIn(SERVICE_TYPES, { message: 'serviceType 必须是 TEXT 或 VOICE' })
  serviceType!: ServiceType;

  @IsInt({ message: 'minutes 必须是整数' })
  @Min(PACKAGE_MINUTES.min, { message: `套餐时长至少 ${PACKAGE_MINUTES.min} 分钟` })
  @Max(PACKAGE_MINUTES.max, { message: `套餐时长最多 ${PACKAGE_MINUTES.max} 分钟` })
  minutes!: number;

  @IsInt({ message: 'priceFen 必须是整数（分）' })
  @Min(1, { message: 'priceFen 必须大于 0' })
  priceFen!: number;
}

export class PackageBalancesQuery {
  @IsOptional()
  @IsUUID('4', { message: 'listenerId 无效' })
  listenerId?: string;
}

/** Where the simulator's cashier page sends the browser back (H5 build). */
const ReturnUrl = (): PropertyDecorator => (target, key) => {
  IsOptional()(target, key);
  IsString()(target, key);
  MaxLength(500, { message: 'returnUrl 过长' })(target, key);
  Matches(/^(https?:\/\/|\/)\S*$/, { message: 'returnUrl 必须是 http(s) 地址或以 / 开头的路径' })(target, key);
};

export class PayBody {
  @ReturnUrl()
  returnUrl?: string;
}

/** Create and prepay at once: a new order's fields, and the cashier's way back (`{orderId}` is replaced). */
export class CheckoutBody extends CreateOrderBody {
  @ReturnUrl()
  returnUrl?: string;
}

export class CancelBody {
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'reason 最多 200 字' })
  reason?: string;
}

export class DeclineBody {
  @IsString({ message: '请填写拒单原因' })
  @MinLength(1, { message: '请填写拒单原因' })
  @MaxLength(200, { message: 'reason 最多 200 字' })
  reason!: string;
}

export class ListOrdersQuery extends PageQuery {
  @IsOptional()
  @IsIn(['talker', 'listener'], { message: 'role 必须是 talker 或 listener' })
  role: 'talker' | 'listener' = 'talker';

  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: 'status 无效' })
  status?: OrderStatusCode;
}

export class OpsOrdersQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'q 最多 64 字' })
  q?: string;

  @IsOptional()
  @IsIn(ORDER_STATUSES, { message: 'status 无效' })
  status?: OrderStatusCode;
}

export class OpsRefundBody {
  @Type(() => Number)
  @IsInt({ message: 'amountFen 必须是整数（分）' })
  @Min(1, { message: 'amountFen 至少为 1 分' })
  amountFen!: number;

  @IsString({ message: '请填写退款原因' })
  @MinLength(2, { message: '请填写退款原因' })
  @MaxLength(80, { message: 'reason 最多 80 字' })
  reason!: string;
}
