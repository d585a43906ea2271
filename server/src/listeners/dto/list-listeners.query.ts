import { TOPIC_CODES, type Topic } from '@qingting/shared';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class ListListenersQuery {
  @IsOptional()
  @IsIn(TOPIC_CODES as Topic[], { message: `topic 只能是 ${TOPIC_CODES.join(' / ')} 之一` })
  topic?: Topic;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit 必须是整数' })
  @Min(1, { message: 'limit 至少为 1' })
  @Max(50, { message: 'limit 不能超过 50' })
  limit = 20;

  /** The id of the last listener of the previous page. */
  @IsOptional()
  @IsUUID('all', { message: 'cursor 无效，请从第一页重新加载' })
  cursor?: string;
}

export class ListenerIdParam {
  @IsUUID('all', { message: '倾听者编号无效' })
  id!: string;
}
