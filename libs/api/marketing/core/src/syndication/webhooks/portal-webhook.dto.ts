import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_TIME } from '@ppt/api-shared';
import { PORTAL_ADVERT_STATUSES, PORTAL_EVENT_TYPES } from './portal-webhook-events';

/** For the OpenAPI document only: the body is verified over its raw bytes, then read by type. */
export class PortalWebhookEventDataDoc {
  @ApiProperty({ example: '2271455', description: "The portal's id of our advert (its external id)" })
  advertId!: string;

  @ApiPropertyOptional({ example: 3, description: 'listing.viewed, listing.favorited: how many (default 1)' })
  count?: number;

  @ApiPropertyOptional({
    example: EXAMPLE_TIME.created,
    description: 'listing.viewed, listing.favorited: when (default now); its UTC day is counted',
  })
  at?: string;

  @ApiPropertyOptional({ example: 'inq-88121', description: "listing.inquiry: the portal's inquiry id" })
  inquiryId?: string;

  @ApiPropertyOptional({ example: 'Jana Nováková', description: 'listing.inquiry' })
  name?: string;

  @ApiPropertyOptional({ example: 'jana@example.com', description: 'listing.inquiry' })
  email?: string;

  @ApiPropertyOptional({ example: '+420 601 123 456', description: 'listing.inquiry' })
  phone?: string;

  @ApiPropertyOptional({ example: 'Is the flat still available?', description: 'listing.inquiry' })
  message?: string;

  @ApiPropertyOptional({
    enum: PORTAL_ADVERT_STATUSES,
    example: 'rejected',
    description: 'listing.status_changed',
  })
  status?: string;

  @ApiPropertyOptional({ example: 'Photos show a different flat', description: 'listing.status_changed' })
  reason?: string;
}

export class PortalWebhookEventDoc {
  @ApiProperty({
    example: 'listing.viewed',
    description: `Known: ${PORTAL_EVENT_TYPES.join(', ')}. Others are acknowledged (202) and ignored.`,
  })
  type!: string;

  @ApiProperty({ type: PortalWebhookEventDataDoc })
  data!: PortalWebhookEventDataDoc;
}

export class PortalWebhookAck {
  @ApiProperty({
    enum: ['applied', 'duplicate', 'ignored'],
    example: 'applied',
    description:
      'applied (200); duplicate: this webhook-id was received before (200); ignored: unknown type (202)',
  })
  status!: 'applied' | 'duplicate' | 'ignored';

  @ApiProperty({ example: 'msg_2mWbPQFz8k1yq0cR5tN3hA', description: 'The webhook-id header' })
  eventId!: string;

  @ApiProperty({ example: 'listing.viewed' })
  type!: string;
}
