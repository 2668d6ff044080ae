import type { ValidationError } from 'class-validator';
import { AppError } from './app-error';
import { ErrorEnvelopeFilter } from './error-envelope.filter';
import { translateBodyParserErrors } from './body-parser-errors';
import { toErrorDetails } from './validation';

describe('toErrorDetails', () => {
  it('flattens nested errors into dotted field paths', () => {
    const errors = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      {
        property: 'address',
        children: [
          {
            property: 'city',
            constraints: { minLength: 'too short', isString: 'not a string' },
            children: [],
          },
        ],
      },
    ] as unknown as ValidationError[];
    expect(toErrorDetails(errors)).toEqual([
      { field: 'email', message: 'email must be an email' },
      { field: 'address.city', message: 'too short' },
      { field: 'address.city', message: 'not a string' },
    ]);
  });
});

describe('translateBodyParserErrors', () => {
  const translate = (err: unknown) => {
    const next = jest.fn();
    translateBodyParserErrors(err, {} as never, {} as never, next);
    return next.mock.calls[0][0] as unknown;
  };

  it.each([
    ['entity.parse.failed', 400, 'MALFORMED_JSON'],
    ['entity.too.large', 413, 'PAYLOAD_TOO_LARGE'],
    ['encoding.unsupported', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('maps %s to %i %s', (type, status, code) => {
    const out = translate(Object.assign(new Error('parser text'), { type, status: 400, expose: true }));
    expect(out).toBeInstanceOf(AppError);
    expect(out).toMatchObject({ status, code });
  });

  it('passes other errors through untouched', () => {
    const original = new Error('boom');
    expect(translate(original)).toBe(original);
  });
});

describe('ErrorEnvelopeFilter logging', () => {
  const render = (exception: unknown) => {
    const filter = new ErrorEnvelopeFilter();
    const logger = (filter as unknown as { logger: { warn: jest.Mock; error: jest.Mock } }).logger;
    logger.warn = jest.fn();
    logger.error = jest.fn();
    const res = {
      headersSent: false,
      setHeader: jest.fn(),
      status: jest.fn().mockReturnThis(),
      json: jest.fn(),
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => ({ headers: {} }), getResponse: () => res }),
    };
    filter.catch(exception, host as never);
    return { logger, res };
  };

  it('logs a deliberate 503 as a warning and keeps its Retry-After', () => {
    const { logger, res } = render(
      new AppError('SSO_UNAVAILABLE', 503, 'Sign-in cannot be checked right now', undefined, {
        'Retry-After': '5',
      }),
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).not.toHaveBeenCalled();
    expect(res.status).toHaveBeenCalledWith(503);
    expect(res.setHeader).toHaveBeenCalledWith('Retry-After', '5');
  });

  it('logs an unexpected failure as an error with a generic 500 for the client', () => {
    const { logger, res } = render(new Error('db exploded'));
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(res.status).toHaveBeenCalledWith(500);
    expect(res.json.mock.calls[0][0].error.message).toBe('Internal server error');
  });
});
