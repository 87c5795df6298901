import { ApiProperty } from '@nestjs/swagger';

export class OperationalReceiptDto {
  @ApiProperty({ description: 'True when the webhook was stored now' })
  stored!: boolean;

  @ApiProperty({ description: 'True when this svix-id had been stored before (nothing changed)' })
  duplicate!: boolean;

  @ApiProperty({ description: 'The operational webhook type, e.g. endpoint.disabled' })
  type!: string;
}
