/** OpenImmo credentials the local fake portal accepts in the syndication tests. */
export const OI = { username: 'ppt', password: 'openimmo password' };

/** Listing fields for a German (OpenImmo) listing: euros and a Berlin address. */
export const IN_BERLIN = {
  currency: 'EUR',
  priceAmount: 45000000,
  addressLine: 'Torstraße 1',
  city: 'Berlin',
  postalCode: '10119',
  country: 'DE',
};

/** What Sreality needs for a flat beyond our own listing fields (PUT /listings/:id/portals, or on create). */
export const SREALITY_FLAT = {
  portalOverrides: {
    sreality: { buildingType: 'brick', buildingCondition: 'very_good', ownership: 'personal' },
  },
};
