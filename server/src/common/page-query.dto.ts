import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Cursor pagination shared by every list endpoint: `cursor` is the opaque `nextCursor` of the
 * previous page (base64url), `limit` 1–50. Subclasses may change the default limit.
 */
export class PageQuery {
  @IsOptional()
  @IsString({ message: 'cursor 无效，请从第一页重新加载' })
  @Matches(/^[A-Za-z0-9_-]{1,300}$/, { message: 'cursor 无效，请从第一页重新加载' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit 必须是整数' })
  @Min(1, { message: 'limit 至少为 1' })
  @Max(50, { message: 'limit 不能超过 50' })
  limit = 20;
}
