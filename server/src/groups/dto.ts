import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import type { GroupStatus, Topic } from '@qingting/prisma';
import { TOPIC_CODES } from '@qingting/shared';
import { PageQuery } from '../common/page-query.dto';

export const TERMS = [30, 90, 365] as const;
export type TermDays = (typeof TERMS)[number];
const PRICE_MAX_FEN = 100_000;

export class CreateGroupBody {
  @IsString({ message: '请填写群名称' })
  @Length(1, 30, { message: '群名称为 1–30 个字' })
  name!: string;

  @IsString({ message: '请填写群介绍' })
  @Length(1, 500, { message: '群介绍为 1–500 个字' })
  intro!: string;

  @IsIn([...TOPIC_CODES], { message: 'topic 无效' })
  topic!: Topic;

  @IsOptional()
  @IsInt({ message: 'price30Fen 必须是整数（分）' })
  @Min(1, { message: '价格至少 1 分' })
  @Max(PRICE_MAX_FEN, { message: '价格不能超过 1000 元' })
  price30Fen?: number;

  @IsOptional()
  @IsInt({ message: 'price90Fen 必须是整数（分）' })
  @Min(1, { message: '价格至少 1 分' })
  @Max(PRICE_MAX_FEN, { message: '价格不能超过 1000 元' })
  price90Fen?: number;

  @IsOptional()
  @IsInt({ message: 'price365Fen 必须是整数（分）' })
  @Min(1, { message: '价格至少 1 分' })
  @Max(PRICE_MAX_FEN, { message: '价格不能超过 1000 元' })
  price365Fen?: number;

  /** 2..GROUP_MAX_CAPACITY (the upper bound is checked by the service against the configuration). */
  @IsInt({ message: 'capacity 必须是整数' })
  capacity!: number;
}

export class ListGroupsQuery extends PageQuery {
  @IsOptional()
  @IsIn([...TOPIC_CODES], { message: 'topic 无效' })
  topic?: Topic;
}

export class OpsGroupsQuery extends PageQuery {
  @IsOptional()
  @IsIn(['PENDING_REVIEW', 'OPEN', 'CLOSED', 'REJECTED'], { message: 'status 无效' })
  status?: GroupStatus;
}

export class TermBody {
  @Type(() => Number)
  @IsIn(TERMS, { message: 'termDays 必须是 30、90 或 365' })
  termDays!: TermDays;
}

export class MuteBody {
  /** Up to 30 days. */
  @IsInt({ message: 'minutes 必须是整数' })
  @Min(1, { message: 'minutes 至少为 1' })
  @Max(43_200, { message: '禁言最长 30 天' })
  minutes!: number;
}

export class AnnouncementBody {
  @IsString({ message: '请填写公告内容' })
  @MaxLength(1000, { message: '公告最多 1000 个字' })
  text!: string;
}

export class ReviewBody {
  @IsIn(['APPROVE', 'REJECT'], { message: 'decision 必须是 APPROVE 或 REJECT' })
  decision!: 'APPROVE' | 'REJECT';

  @IsOptional()
  @IsString({ message: 'note 必须是文字' })
  @MaxLength(500, { message: '备注最多 500 个字' })
  note?: string;
}

export class LeaveBody {
  /** The person chose "leave with refund": after the window this is a 409 and nothing changes. */
  @IsOptional()
  @IsBoolean({ message: 'expectRefund 必须是布尔值' })
  expectRefund?: boolean;
}
