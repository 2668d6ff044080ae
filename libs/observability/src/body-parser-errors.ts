import type { NextFunction, Request, Response } from 'express';
import { AppError, CODE_BY_STATUS, CommonErrorCode } from './app-error';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Express error middleware placed right after the body parsers: turns their errors into AppErrors
 * before Nest sees them (Nest would turn a JSON SyntaxError into a bare 400 with the parser's text).
 */
export function translateBodyParserErrors(
  err: unknown,
  _req: Request,
  _res: Response,
  next: NextFunction,
): void {
  const parserError = err as BodyParserError | undefined;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return next(new AppError(CommonErrorCode.MalformedJson, 400, 'The request body is not valid JSON'));
    case 'entity.too.large':
      return next(new AppError(CommonErrorCode.PayloadTooLarge, 413, 'The request body is too large'));
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return next(
        new AppError(CommonErrorCode.UnsupportedMediaType, 415, 'The request body encoding is not supported'),
      );
  }
  const status = parserError?.status;
  if (parserError?.expose && typeof status === 'number' && status >= 400 && status < 500) {
    return next(
      new AppError(
        CODE_BY_STATUS[status] ?? CommonErrorCode.BadRequest,
        status,
        'The request body could not be read',
      ),
    );
  }
  next(err);
}
