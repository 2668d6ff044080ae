import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty } from '@nestjs/swagger';
import { Public, registerErrorCodes } from '@ppt/observability';
import { ApiExtension } from '@nestjs/swagger';
import { OPENAPI_OPTIONAL_SIGN_IN } from './complete-document';
import { ApiRateLimited, previewOpenApiDocument } from './openapi-document';

registerErrorCodes({ WIDGET_GONE: 404, WIDGET_LOCKED: 409 });

class WidgetDto {
  @ApiProperty({ example: 'w' }) name!: string;
}
class WidgetResponse {
  @ApiProperty({ enum: ['a', 'b'], nullable: true, example: 'a' }) kind!: 'a' | 'b' | null;
}

@Controller('widgets')
class WidgetsController {
  @Get(':id')
  @ApiOkResponse({ type: WidgetResponse })
  get(@Param('id') id: string) {
    return id;
  }

  @Post()
  @ApiRateLimited()
  create(@Body() dto: WidgetDto) {
    return dto;
  }

  @Public()
  @Get()
  list() {
    return [];
  }

  @Get('maybe/mine')
  @ApiExtension(OPENAPI_OPTIONAL_SIGN_IN, true)
  maybe() {
    return [];
  }
}

@Module({ controllers: [WidgetsController] })
class WidgetsModule {}

const INFO = {
  title: 'Widgets',
  description: 'test',
  version: '2.0.0',
  servers: [{ url: 'http://localhost:1', description: 'test' }],
  contact: { name: 'team' },
  license: { name: 'Proprietary' },
  security: { defaultScheme: 'bearer', schemes: { bearer: { type: 'http' as const, scheme: 'bearer' } } },
};

describe('completeOpenApiDocument', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading an arbitrary JSON document
  let doc: any;
  beforeAll(async () => {
    doc = await previewOpenApiDocument(WidgetsModule, INFO, () => undefined);
  });

  it('derives security from @Public(), @OptionalSignIn() and the default scheme', () => {
    expect(doc.paths['/widgets'].get.security).toEqual([]);
    expect(doc.paths['/widgets/{id}'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/widgets/maybe/mine'].get.security).toEqual([{ bearer: [] }, {}]);
    expect(JSON.stringify(doc)).not.toContain('x-ppt-');
  });

  it('adds the error answers each operation can give, with the feature codes as enums', () => {
    expect(Object.keys(doc.paths['/widgets/{id}'].get.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '500',
    ]);
    expect(Object.keys(doc.paths['/widgets'].get.responses)).toEqual(['200', '500']);
    const create = doc.paths['/widgets'].post.responses;
    expect(Object.keys(create).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
      '503',
    ]);
    expect(doc.components.responses.Error429.headers).toEqual(
      expect.objectContaining({ 'Retry-After': expect.any(Object), RateLimit: expect.any(Object) }),
    );
    const codes404 = doc.components.schemas.Error404.properties.error.properties.code.enum;
    expect(codes404).toEqual(expect.arrayContaining(['NOT_FOUND', 'WIDGET_GONE']));
    expect(codes404).not.toContain('WIDGET_LOCKED');
  });

  it('gives summaries, tags, servers, licence, contact and null in nullable enums', () => {
    expect(doc.paths['/widgets/{id}'].get.summary).toBe('Get widget');
    expect(doc.paths['/widgets'].get.summary).toBe('List widgets');
    // Nest names an untagged controller's tag after it; the processor only fills in what is still missing.
    expect(doc.paths['/widgets'].get.tags).toEqual(['Widgets']);
    expect(doc.info).toEqual(
      expect.objectContaining({ version: '2.0.0', license: INFO.license, contact: INFO.contact }),
    );
    expect(doc.servers).toEqual(INFO.servers);
    expect(doc.components.schemas.WidgetResponse.properties.kind.enum).toEqual(['a', 'b', null]);
  });
});
