import { validatePortalOverrides } from '@ppt/syndication';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Per-portal overrides (`{sreality: {...}, openimmo: {...}}`), checked portal by portal and field by
 * field by the portals' own rules (libs/syndication); the message names every bad path.
 */
export function IsPortalOverrides(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPortalOverrides',
      validator: {
        validate: (value: unknown) => validatePortalOverrides(value).length === 0,
        defaultMessage: (args) =>
          validatePortalOverrides(args?.value)
            .map((p) => `${p.field}: ${p.message}`)
            .join('; '),
      },
    },
    options,
  );
}
