import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

/** A path id that must be a UUID; anything else is 400 `request/invalid` (never reaches the database). */
export const uuidParam = () => new ParseUUIDPipe({ exceptionFactory: () => new DomainError('request/invalid', '请求参数有误：id 无效', [{ field: 'id', problem: 'id 无效' }]) });
