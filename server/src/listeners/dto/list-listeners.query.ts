import {
  GENDERS,
  LISTENER_QUERY_MAX_CHARS,
  LISTENER_SORTS,
  SERVICE_TYPES,
  TOPIC_CODES,
  type Gender,
  type ListenerSort,
  type ServiceType,
  type Topic,
} from '@qingting/shared';
import { Transform, Type } from 'class-transformer';
import { PageQuery } from '../../common/page-query.dto';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** "true"/"1" → true, "false"/"0" → false; anything else stays as is and fails @IsBoolean. */
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

/** `tags=a,b` or `tags=a&tags=b` → ['a', 'b'] */
const toList = ({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
    .map((v) => (typeof v === 'string' ? v.trim() : v))
    .filter((v) => v !== '');

export const MAX_PRICE_FEN = 1_000_000;

/** The cursor is opaque: `nextCursor` of the previous page with the same filters and sort. */
export class ListListenersQuery extends PageQuery {
  @IsOptional()
  @IsIn(TOPIC_CODES as Topic[], { message: `topic 只能是 ${TOPIC_CODES.join(' / ')} 之一` })
  topic?: Topic;

  /** Only listeners offering this service; also the service whose price is filtered and sorted (TEXT by default). */
  @IsOptional()
  @IsIn(SERVICE_TYPES as unknown as ServiceType[], { message: `serviceType 只能是 ${SERVICE_TYPES.join(' / ')} 之一` })
  serviceType?: ServiceType;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'priceMin 必须是整数（单位：分）' })
  @Min(0, { message: 'priceMin 不能为负数' })
  @Max(MAX_PRICE_FEN, { message: `priceMin 不能超过 ${MAX_PRICE_FEN}` })
  priceMin?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'priceMax 必须是整数（单位：分）' })
  @Min(0, { message: 'priceMax 不能为负数' })
  @Max(MAX_PRICE_FEN, { message: `priceMax 不能超过 ${MAX_PRICE_FEN}` })
  priceMax?: number;

  @IsOptional()
  @IsIn(GENDERS as unknown as Gender[], { message: `gender 只能是 ${GENDERS.join(' / ')} 之一` })
  gender?: Gender;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'onlineNow 只能是 true 或 false' })
  onlineNow?: boolean;

  /** Experience tags, any of them. */
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(10, { message: 'tags 最多 10 个' })
  @IsString({ each: true, message: 'tags 必须是文字' })
  @MaxLength(20, { each: true, message: '每个标签不能超过 20 个字' })
  tags?: string[];

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'certified 只能是 true 或 false' })
  certified?: boolean;

  /** Minimum average stars, e.g. 4.5. */
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2 }, { message: 'ratingMin 必须是数字，最多两位小数' })
  @Min(0, { message: 'ratingMin 不能小于 0' })
  @Max(5, { message: 'ratingMin 不能大于 5' })
  ratingMin?: number;

  @IsOptional()
  @IsIn(LISTENER_SORTS as unknown as ListenerSort[], { message: `sort 只能是 ${LISTENER_SORTS.join(' / ')} 之一` })
  sort: ListenerSort = 'recommended';

  /** Keyword over alias, intro and tags (substring, any language). */
  @IsOptional()
  @IsString({ message: 'q 必须是文字' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1, { message: '搜索关键词至少 1 个字' })
  @MaxLength(LISTENER_QUERY_MAX_CHARS, { message: `搜索关键词不能超过 ${LISTENER_QUERY_MAX_CHARS} 个字` })
  q?: string;

}

export class ListenerIdParam {
  @IsUUID('all', { message: '倾听者编号无效' })
  id!: string;
}

export class ReviewsQuery extends PageQuery {
  override limit = 10;
}
