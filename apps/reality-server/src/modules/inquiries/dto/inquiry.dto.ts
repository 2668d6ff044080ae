import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOmittable, Trim } from '@ppt/http';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';

export class CreateInquiryDto {
  @ApiProperty({ example: 'Petr Svoboda' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'petr.svoboda@example.com', description: 'Where the realtor answers' })
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ example: '+420 602 345 678' })
  @IsOmittable()
  @Matches(/^\+?[0-9 ()-]{6,40}$/, { message: 'phone must be a phone number' })
  phone?: string;

  @ApiProperty({ example: 'Is the flat still available from January? Can I see it this week?' })
  @Trim()
  @IsString()
  @Length(1, 5000)
  message!: string;
}

export class InquiryReceivedResponse {
  @ApiProperty({ example: '2b4d6f8a-0c2e-4a6c-8e0a-2c4e6a8c0e1f' }) id!: string;
  @ApiProperty({ example: 'received', description: 'Stored; it reaches the realtor shortly' })
  status!: string;
}
