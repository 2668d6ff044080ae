import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'isPublic';
/**
 * OpenAPI extension the document's post-processor turns into `security: []` (and then removes), so a
 * public route's "no security" is derived from the same decorator the guard reads.
 */
export const OPENAPI_PUBLIC = 'x-ppt-public';

/** Marks a route (or controller) as reachable without authentication once the auth guard is global. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(OPENAPI_PUBLIC, true));
