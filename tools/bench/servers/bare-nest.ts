// Baseline: Nest 11 on Express with one controller, GET /health/live (no pipes, guards, filters,
// interceptors or middleware). argv[2]: port. Run with @swc-node/register (decorators).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller('health')
class HealthController {
  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [HealthController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(Number(process.argv[2]), '127.0.0.1');
}

void main();
