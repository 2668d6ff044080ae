import type { PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { SYNDICATION_PORTALS, type SyndicationPortal } from '@ppt/api-db';
import { SyndicationError, SyndicationErrorCode } from './syndication.errors';

/** `:portal` must name a portal we have an adapter for (404 otherwise, like any unknown resource). */
class PortalPipe implements PipeTransform<string, SyndicationPortal> {
  transform(value: string): SyndicationPortal {
    if ((SYNDICATION_PORTALS as readonly string[]).includes(value)) return value as SyndicationPortal;
    throw new SyndicationError(
      SyndicationErrorCode.UnknownPortal,
      `Unknown portal; known: ${SYNDICATION_PORTALS.join(', ')}`,
    );
  }
}

export const portalParam = new PortalPipe();

/** Declares `:portal` in the OpenAPI document (a parameter with a pipe instance is not picked up there). */
export const ApiPortalParam = (): MethodDecorator =>
  ApiParam({ name: 'portal', enum: SYNDICATION_PORTALS, description: 'The portal', example: 'sreality' });
