import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageResponse } from '@ppt/http';

export class InquiryReplyResponse {
  @ApiProperty({ example: '5c7e9a1b-3d5f-4b7d-9f1b-3d5f7a9c1e3b' }) id!: string;
  @ApiProperty({ example: 'Yes, it is. Saturday at 10:00 at the house?' }) message!: string;
  @ApiProperty({ example: '2026-11-22T08:15:00.000Z' }) repliedAt!: Date;
}

export class MyInquiryResponse {
  @ApiProperty({ example: '2b4d6f8a-0c2e-4a6c-8e0a-2c4e6a8c0e1f' }) id!: string;
  @ApiProperty({ example: '6a8c0e2f-4b6d-4f8a-a0c2-4e6a8c0e2f4b' }) listingId!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Flat 2+kk with a balcony',
    description: 'null once the portal no longer has the listing',
  })
  listingTitle!: string | null;
  @ApiProperty({ example: 'Is the flat still available from January?' }) message!: string;
  @ApiProperty({ example: '2026-11-21T18:30:00.000Z' }) createdAt!: Date;
  @ApiProperty({ type: [InquiryReplyResponse], description: 'The realtor’s replies, oldest first' })
  replies!: InquiryReplyResponse[];
}

export class MyInquiryPageResponse extends PageResponse(MyInquiryResponse) {}
