import { randomUUID } from 'node:crypto';
import type { SyndicationListing, SyndicationPhoto } from '../src';

/** A JPEG-looking photo of `size` bytes, kept in memory. */
export function aPhoto(size = 2048, contentType = 'image/jpeg'): SyndicationPhoto {
  const bytes = Buffer.alloc(size, 7);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  const id = randomUUID();
  return {
    id,
    contentType,
    sizeBytes: size,
    url: `https://pm.example/photos/${id}`,
    read: async () => bytes,
  };
}

/** A listing every portal accepts, with overrides. */
export function aListing(overrides: Partial<SyndicationListing> = {}): SyndicationListing {
  return {
    id: randomUUID(),
    organizationId: randomUUID(),
    version: 1,
    status: 'published',
    publishedAt: '2026-11-20T10:00:00.000Z',
    transaction: 'sale',
    propertyType: 'apartment',
    title: 'Bright 3+1 near Riegrovy sady',
    description:
      'A bright flat on the third floor with a balcony, a cellar and a view of the park. Close to trams.',
    priceAmount: 8_990_000_00,
    currency: 'CZK',
    areaM2: 78.5,
    rooms: 3,
    floor: 3,
    energyClass: 'C',
    features: ['balcony', 'cellar'],
    address: { line: 'Slezská 12', city: 'Praha', region: 'Praha', postalCode: '120 00', country: 'CZ' },
    latitude: 50.0755,
    longitude: 14.4378,
    photos: [aPhoto(3000), aPhoto(4000)],
    contact: {
      id: randomUUID(),
      name: 'Jana Nováková',
      email: 'jana@realty.example',
      phone: '+420700000001',
    },
    overrides: {
      sreality: { buildingType: 'brick', buildingCondition: 'very_good', ownership: 'personal' },
    },
    ...overrides,
  };
}
