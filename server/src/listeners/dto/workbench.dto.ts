import { HHMM_PATTERN, MAX_WORKING_HOURS_ENTRIES } from '@qingting/shared';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_PRICE_FEN } from './list-listeners.query';

export class SetOnlineBody {
  @IsBoolean({ message: 'online 只能是 true 或 false' })
  online!: boolean;
}

export class WorkingHoursEntryDto {
  @IsInt({ message: 'day 必须是 1–7 的整数（1 为周一）' })
  @Min(1, { message: 'day 必须是 1–7 的整数（1 为周一）' })
  @Max(7, { message: 'day 必须是 1–7 的整数（1 为周一）' })
  day!: number;

  @Matches(HHMM_PATTERN, { message: 'start 必须是 HH:mm 格式的时间，如 19:00' })
  start!: string;

  @Matches(HHMM_PATTERN, { message: 'end 必须是 HH:mm 格式的时间，如 23:00' })
  end!: string;
}

export class SetHoursBody {
  @IsArray({ message: 'hours 必须是列表' })
  @ArrayMaxSize(MAX_WORKING_HOURS_ENTRIES, { message: `工作时间最多 ${MAX_WORKING_HOURS_ENTRIES} 段` })
  @ValidateNested({ each: true })
  @Type(() => WorkingHoursEntryDto)
  hours!: WorkingHoursEntryDto[];
}

/** Absent = unchanged; null = stop offering the service. */
export class SetPricesBody {
  @IsOptional()
  @IsInt({ message: 'TEXT 价格必须是整数（单位：分），或 null 表示不提供' })
  @Min(0, { message: 'TEXT 价格不能为负数' })
  @Max(MAX_PRICE_FEN, { message: 'TEXT 价格过高' })
  TEXT?: number | null;

  @IsOptional()
  @IsInt({ message: 'VOICE 价格必须是整数（单位：分），或 null 表示不提供' })
  @Min(0, { message: 'VOICE 价格不能为负数' })
  @Max(MAX_PRICE_FEN, { message: 'VOICE 价格过高' })
  VOICE?: number | null;
}
