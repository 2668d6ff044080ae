import { EXAMPLE_ID } from '@ppt/api-shared';

/** Example ids of finance records; related examples point at the shared ones in common/examples. */
export const FINANCE_EXAMPLE = {
  charge: '1c3e5a7b-9d2f-4a6c-8e1b-3d5f7a9c2e4b',
  payment: '8a2c4e6b-0d3f-4b5a-9c7e-1f3b5d7a9c0e',
  expense: '3e5b7d9f-2a4c-4e6b-8d0f-5a7c9e1b3d6f',
  lease: '6a1f9e2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b',
  unit: EXAMPLE_ID.unit,
  person: EXAMPLE_ID.person,
  building: EXAMPLE_ID.building,
  vendor: EXAMPLE_ID.vendor,
  user: EXAMPLE_ID.user,
} as const;

/** Strict ISO calendar dates only (YYYY-MM-DD). */
export const DATE = { strict: true, strictSeparator: true };
