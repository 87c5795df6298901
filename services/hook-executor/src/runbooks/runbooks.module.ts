import { Module } from '@nestjs/common';
import { RunbooksService } from './runbooks.service.js';

@Module({ providers: [RunbooksService], exports: [RunbooksService] })
export class RunbooksModule {}
