/**
 * Values shown as `example` in the OpenAPI document. One id per record, so the examples of related
 * responses point at each other (a unit's `buildingId` is the building example's `id`).
 */
export const EXAMPLE_ID = {
  organization: '8d1f4c2a-3b7e-4f90-a6c5-1e2d3f4a5b6c',
  user: '3f2b8c1e-6a4d-4c1e-9b7a-2d5e8f0a1b2c',
  technician: 'c7e4a2d9-5b1f-4a8e-8c3d-6f9b0e1a2d47',
  resident: '5a9e3c71-2d4b-4f6a-b8e1-0c7d9f2a4b63',
  membership: '3d9b5f1a-7c4e-4b2d-a8f6-1e3c5a9d7b02',
  session: '1b7d3f9a-5e2c-4a6b-9d8f-4a0c6e2b8d57',
  building: 'b4e6f8a0-1c3d-4e5f-8a7b-9c0d1e2f3a4b',
  unit: 'e2a7c5b9-8d4f-4b1a-9e6c-3f0d2a8b7c15',
  person: '9c3e5a7b-1d2f-4e8a-b6c4-7d0e2f1a9b38',
  occupancy: 'f1d8b6a4-7c2e-4a9d-8b5f-2e6c0a4d9f71',
  fault: 'a6c9e1f3-4b7d-4c2a-9f8e-5d1b3a7c0e92',
  faultComment: '2e8a4c6f-9b1d-4f3e-a7c5-8d0b6e2f4a19',
  vendor: '7b2d9f4e-6a1c-4e8b-b3d7-0f5a9c2e6d84',
  meter: 'd3f7b1a9-2e6c-4d8f-a4b2-6c9e1f7a3d50',
  meterReading: '4c8e2a6d-3f9b-4a1e-b5d7-9e2c0a6f8b13',
  readingPeriod: '6e1a9c3f-8d2b-4f7a-a9c1-3b5d7f0e2a86',
  inspection: '0a5c7e9b-4d1f-4b3a-8e6c-2f9d1b7a5c34',
  auditLog: '8f4a2c6e-0d9b-4e1f-b7a3-5c2e8d6f0a91',
  request: '6b0e2d4f-8a1c-4e3b-9d5f-7c2a4e6b8d10',
  listing: '5d7f9b1c-3e5a-4c7e-9a1b-3c5e7a9b1d2f',
  listingInquiry: '9f1b3d5e-7a9c-4e1f-8b3d-5f7a9c1e3b5d',
  portalInquiry: '2b4d6f8a-0c2e-4a6c-8e0a-2c4e6a8c0e1f',
  photo: '7e9a1c3e-5b7d-4f9b-a1c3-7e9b1d3f5a7c',
  syndication: '4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e1f',
} as const;

/** Timestamps (ISO 8601, UTC) of one working day at the property manager's office. */
export const EXAMPLE_TIME = {
  created: '2026-11-21T09:30:00.000Z',
  updated: '2026-11-21T14:05:12.000Z',
} as const;

/** An RS256 access token carrying the example ids, signed by the JWKS example key (signature shortened). */
export const EXAMPLE_ACCESS_TOKEN =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IlZMWGFPMFlIRGJaaW9LTEk1bTM4TXFmQVE1ejNMcThXZk8xb2laODFJNGcifQ.' +
  'eyJ0eXAiOiJhY2Nlc3MiLCJzaWQiOiIxYjdkM2Y5YS01ZTJjLTRhNmItOWQ4Zi00YTBjNmUyYjhkNTciLCJvcmciOiI4ZDFmNGMyYS0zYjdlLTRmOTAtYTZjNS0xZTJkM2Y0YTViNmMiLCJyb2xlIjoibWFuYWdlciIsInN1YiI6IjNmMmI4YzFlLTZhNGQtNGMxZS05YjdhLTJkNWU4ZjBhMWIyYyIsImlhdCI6MTc5NTI1MzQwMCwiZXhwIjoxNzk1MjU0MzAwLCJpc3MiOiJodHRwczovL2FwaS5leGFtcGxlLmN6IiwiYXVkIjoicHB0In0.' +
  'DyTzZPZZmZCpLitR3g6C27uDRjCKRYUHAxqc4kF5E6ZvAa-TdUbPrLTqk-gCOvN9RkTIbsyvIVbQUm-InivCvA';

/** An opaque 256-bit token (refresh, e-mail verification, password reset, invitation). */
export const EXAMPLE_OPAQUE_TOKEN = 'vBKXeIYwh_OijNnNZ4HgxE07u0b4SjQKF8eydejyrfk';

/** The public signing key (RFC 7517) whose thumbprint is the example token's `kid`. */
export const EXAMPLE_JWK = {
  kty: 'RSA',
  n:
    'o00NjnF1H3YlEID0d00fA-fwpJfnXvsDUCnr2cku8bpIdwSqsyUDOBkN7OBCnOwK-ahLr34T3T1k7FzY_DoAMDmNcaSES9l2cXFQxwZany3hW3' +
    'vYmsbnurDpK3urAuWREHsxq6M8bft9-3ZR_69MJgd4y-KmkHpVoD8JqbDWKL-qb7ciYuy99RN7-Vc6V6pkAOZyW6ch_1iDVxw_Veeg_GbjCvMQ' +
    'UH2gyRRQ_PRF0ZKwLp1gxX5C8m2NBijYaW9Mw597NyLfxy1k0Un8ydGb8JFTcc1THsD3QvqhCXxojtadDtgbfOMC_GAiuzv2W_C4XXZF1eaqDGcYx5CO2XejuQ',
  e: 'AQAB',
  kid: 'VLXaO0YHDbZioKLI5m38MqfAQ5z3Lq8WfO1oiZ81I4g',
  alg: 'RS256',
  use: 'sig',
};
