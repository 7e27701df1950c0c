import { Injectable, PipeTransform, Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError, Violation } from './domain-errors';

/**
 * class-validator's nested errors as violations, each with its field path: `keys.0.name` by default (the form the
 * dialects' bodies have always reported), `keys[0].name` with `brackets` (the form of seed files, read by people).
 */
export function violationsOf(errors: ClassValidationError[], options: { brackets?: boolean } = {}, prefix = ''): Violation[] {
  return errors.flatMap((error) => {
    const index = options.brackets && /^\d+$/.test(error.property);
    const field = index ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({ field, code, message }));
    return [...own, ...violationsOf(error.children ?? [], options, field)];
  });
}

/**
 * Validates a JSON body against a DTO class and reports every failing field as a domain ValidationError,
 * which each dialect's filter renders in its own shape. Unknown fields are refused unless `allowUnknown`.
 */
@Injectable()
export class BodyValidationPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(
    private readonly dto: Type<T>,
    private readonly options: { allowUnknown?: boolean } = {},
  ) {}

  transform(value: unknown): T {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ValidationError([{ field: 'body', code: 'isObject', message: 'value must be of type object' }]);
    }
    const instance = plainToInstance(this.dto, value, { enableImplicitConversion: false });
    const errors = validateSync(instance, {
      whitelist: true,
      forbidNonWhitelisted: !this.options.allowUnknown,
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) throw new ValidationError(violationsOf(errors));
    return instance;
  }
}
