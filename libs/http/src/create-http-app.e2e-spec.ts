import {
  Body,
  Controller,
  Get,
  Module,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiProperty } from '@nestjs/swagger';
import SwaggerParser from '@apidevtools/swagger-parser';
import { AppConfigModule, CoreEnv, validateEnv } from '@ppt/config';
import { AppError, LoggingModule, MetricsModule } from '@ppt/observability';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import type { Request } from 'express';
import request from 'supertest';
import { createHttpApp } from './create-http-app';
import { HealthModule } from './health.module';

class AddressDto {
  @ApiProperty()
  @IsString()
  @MinLength(2)
  city!: string;
}

class CreateWidgetDto {
  @ApiProperty()
  @IsEmail()
  email!: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(10)
  quantity!: number;

  @ApiProperty({ type: AddressDto })
  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

@Controller('widgets')
class WidgetsController {
  @Post()
  create(@Body() dto: CreateWidgetDto): CreateWidgetDto {
    return dto;
  }

  /** What a webhook receiver sees: the parsed body and the exact bytes it was parsed from. */
  @Post('raw')
  raw(@Req() req: RawBodyRequest<Request>): { raw: string | null; parsed: unknown } {
    return { raw: req.rawBody?.toString('utf8') ?? null, parsed: req.body as unknown };
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): { id: string } {
    if (id === '00000000-0000-4000-8000-000000000000') {
      throw new AppError('WIDGET_LOCKED', 409, 'The widget is locked', [{ field: 'id', message: 'locked' }]);
    }
    if (id === '00000000-0000-4000-8000-000000000001') throw new Error('database password is hunter2');
    return { id };
  }
}

const env = validateEnv(CoreEnv, {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  HTTP_BODY_LIMIT: '1kb',
  CORS_ORIGINS: 'https://app.example.test,https://admin.example.test',
});

@Module({
  imports: [
    AppConfigModule.forRoot(env),
    LoggingModule.forRoot({ service: 'http-test', level: env.LOG_LEVEL }),
    MetricsModule,
    HealthModule.forRoot({ checks: [], drainMs: 0 }),
  ],
  controllers: [WidgetsController],
})
class TestAppModule {}

describe('createHttpApp', () => {
  let app: NestExpressApplication;
  const http = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createHttpApp(TestAppModule, env, {
      title: 'Test API',
      description: 'test',
      version: '1.0.0',
      servers: [{ url: 'http://localhost', description: 'test' }],
      contact: { name: 'test' },
      license: { name: 'test' },
      security: { defaultScheme: 'bearer', schemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    });
    await app.init();
  });
  afterAll(() => app.close());

  it('serves API routes under /api/v1 and probes at the root', async () => {
    await request(http()).get('/api/v1/widgets/5d0c5b8e-0f8e-4f43-9a55-0e7a1f4b2f1a').expect(200);
    await request(http()).get('/widgets/5d0c5b8e-0f8e-4f43-9a55-0e7a1f4b2f1a').expect(404);
    await request(http()).get('/health/live').expect(200);
  });

  it('rejects invalid fields with VALIDATION_FAILED and one detail per problem', async () => {
    const res = await request(http())
      .post('/api/v1/widgets')
      .send({ email: 'not-an-email', quantity: 11, address: { city: 'X' } })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'quantity', 'address.city']));
  });

  it('rejects unknown fields instead of silently dropping them', async () => {
    const res = await request(http())
      .post('/api/v1/widgets')
      .send({ email: 'a@example.com', quantity: 1, address: { city: 'Brno' }, isAdmin: true })
      .expect(400);
    expect(res.body.error.details).toEqual([
      { field: 'isAdmin', message: 'property isAdmin should not exist' },
    ]);
  });

  it('accepts a valid body and transforms it', async () => {
    const res = await request(http())
      .post('/api/v1/widgets')
      .send({ email: 'a@example.com', quantity: 3, address: { city: 'Brno' } })
      .expect(201);
    expect(res.body).toEqual({ email: 'a@example.com', quantity: 3, address: { city: 'Brno' } });
  });

  it('keeps the exact bytes of a JSON body beside the parsed body (for signed webhooks)', async () => {
    const sent = '{ "b": 2,\n  "a": "ž" }';
    const res = await request(http())
      .post('/api/v1/widgets/raw')
      .set('Content-Type', 'application/json')
      .send(sent)
      .expect(201);
    expect(res.body).toEqual({ raw: sent, parsed: { b: 2, a: 'ž' } });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await request(http())
      .post('/api/v1/widgets')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@example.com",')
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'MALFORMED_JSON', requestId: expect.any(String) });
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(http())
      .post('/api/v1/widgets')
      .send({ email: 'a@example.com', quantity: 1, address: { city: 'x'.repeat(2048) } })
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('renders feature errors with their code, status and details', async () => {
    const res = await request(http()).get('/api/v1/widgets/00000000-0000-4000-8000-000000000000').expect(409);
    expect(res.body).toEqual({
      error: {
        code: 'WIDGET_LOCKED',
        message: 'The widget is locked',
        details: [{ field: 'id', message: 'locked' }],
        requestId: expect.any(String),
      },
    });
  });

  it('hides unexpected errors behind a generic 500 without a stack trace', async () => {
    const res = await request(http()).get('/api/v1/widgets/00000000-0000-4000-8000-000000000001').expect(500);
    expect(res.body.error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|at .*\.ts/);
  });

  it('answers unknown routes and bad path parameters with the envelope', async () => {
    const missing = await request(http()).get('/api/v1/nothing-here').expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const badId = await request(http()).get('/api/v1/widgets/not-a-uuid').expect(400);
    expect(badId.body.error.code).toBe('BAD_REQUEST');
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const kept = await request(http()).get('/health/live').set('X-Request-Id', 'trace-abc.123').expect(200);
    expect(kept.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await request(http())
      .get('/health/live')
      .set('X-Request-Id', 'bad id <script>')
      .expect(200);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows CORS only for configured origins and sets helmet headers', async () => {
    const allowed = await request(http()).get('/health/live').set('Origin', 'https://admin.example.test');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.test');
    const denied = await request(http()).get('/health/live').set('Origin', 'https://evil.example.test');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-powered-by']).toBeUndefined();
  });

  it('counts requests in /metrics by route template, not raw path', async () => {
    await request(http()).get('/api/v1/widgets/6f1f7d4e-2a7b-4c56-8a3e-9b8c7d6e5f4a').expect(200);
    const res = await request(http()).get('/metrics').expect(200);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/widgets\/:id",status="200"\} \d+/,
    );
    expect(res.text).not.toContain('6f1f7d4e-2a7b-4c56-8a3e-9b8c7d6e5f4a');
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('publishes a valid OpenAPI 3 document and the docs UI', async () => {
    const res = await request(http()).get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/v1/widgets', '/health/ready']));
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
    const ui = await request(http()).get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
