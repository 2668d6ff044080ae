import type { ValidationError } from 'class-validator';
import { AppError } from './app-error';
import { translateBodyParserErrors } from './body-parser-errors';
import { toErrorDetails } from './validation';

describe('toErrorDetails', () => {
  it('flattens nested errors into dotted field paths', () => {
    const errors = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      {
        property: 'address',
        children: [{ property: 'city', constraints: { minLength: 'too short', isString: 'not a string' }, children: [] }],
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
