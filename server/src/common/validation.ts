import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors/domain-error';

function flatten(errors: ValidationError[], prefix = ''): { field: string; problem: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([kind, text]) => ({
      field,
      problem: kind === 'whitelistValidation' ? `不支持的字段 ${field}` : text,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Every body, query and param is validated at the edge: unknown fields are refused, types are
 * converted, and a failure is a 400 `request/invalid` naming each field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new DomainError('request/invalid', `请求参数有误：${details.map((d) => d.problem).join('；')}`, details);
    },
  });
}
