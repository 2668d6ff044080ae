import type { INestApplication } from '@nestjs/common';
import { openApiDocumentOf } from '@ppt/http';
import type { NextFunction, Request, Response } from 'express';
import { OpenApiContract } from './openapi-contract';

const violations: string[] = [];

/**
 * Checks every answer the app gives against its own OpenAPI document (the one it serves), so a server
 * that drifts from its document fails whichever test saw it: bootTestApp installs this on every app
 * it boots, and the jest setup file `contract-setup.ts` fails the test after which violations remain.
 */
export function checkAnswersAgainstDocument(app: INestApplication): OpenApiContract | undefined {
  const document = openApiDocumentOf(app);
  if (!document) return undefined;
  const contract = new OpenApiContract(document as unknown as Record<string, unknown>);
  app.use((req: Request, res: Response, next: NextFunction) => {
    let body: unknown;
    const send = res.send.bind(res);
    res.send = (chunk?: unknown) => {
      body = chunk;
      return send(chunk);
    };
    res.once('finish', () => {
      const route = routeOf(req);
      if (!route || !contract.documents(req.method, route)) return;
      const contentType = res.getHeader('content-type')?.toString();
      violations.push(
        ...contract.violations({
          method: req.method,
          route,
          status: res.statusCode,
          contentType,
          body: parse(body),
        }),
      );
    });
    next();
  });
  return contract;
}

/** The violations seen since the last call (and forgets them). */
export function takeContractViolations(): string[] {
  return violations.splice(0, violations.length);
}

/** The Express route template the request matched (`/api/v1/buildings/:id`), with its mount prefix. */
function routeOf(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
}

function parse(body: unknown): unknown {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
