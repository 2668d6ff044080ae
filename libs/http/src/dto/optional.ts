import { type Type } from '@nestjs/common';
import { PartialType } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but `null` is validated like any other value (and so refused):
 * class-validator's `@IsOptional()` also waves `null` through, which a NOT NULL column then turns
 * into a 500. Fields that really take `null` (typed `| null`) keep `@IsOptional()`.
 */
export const IsOmittable = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/**
 * An update body: every field of `create` may be left out, none may be `null` unless it could be
 * `null` there (what Swagger's `PartialType` does with `skipNullProperties: false`).
 */
export function UpdateType<T>(create: Type<T>) {
  return PartialType(create, { skipNullProperties: false });
}
