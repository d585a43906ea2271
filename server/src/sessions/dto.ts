import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../common/page-query.dto';

export class ListSessionsQuery extends PageQuery {
  /** active: waiting or running; past: ended or cancelled. */
  @IsOptional()
  @IsIn(['active', 'past'], { message: 'state 必须是 active 或 past' })
  state: 'active' | 'past' = 'active';
}

export class ExtendBody {
  /** 15-minute units to add; the upper bound is ORDER_MAX_UNITS (checked by the orders module). */
  @IsInt({ message: 'units 必须是整数' })
  @Min(1, { message: 'units 至少为 1' })
  @Max(100, { message: 'units 超出范围' })
  units!: number;
}

export class GiftBody {
  @IsString({ message: '请选择礼物' })
  @Matches(/^[a-z0-9_-]{1,32}$/, { message: 'giftCode 无效' })
  giftCode!: string;
}

/** Development voice provider: which side hung up. */
export class HangupBody {
  @IsIn(['talker', 'listener'], { message: 'by 必须是 talker 或 listener' })
  by!: 'talker' | 'listener';
}
