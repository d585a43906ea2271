import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

export class AuditQuery {
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'subjectType 无效' })
  subjectType?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[\w:-]{1,100}$/, { message: 'subjectId 无效' })
  subjectId?: string;

  @IsOptional()
  @IsUUID('all', { message: 'cursor 无效，请从第一页重新加载' })
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit 必须是整数' })
  @Min(1, { message: 'limit 至少为 1' })
  @Max(100, { message: 'limit 不能超过 100' })
  limit = 50;
}
