/** OpenAPI examples of the votes feature; they point at each other like the common EXAMPLE_ID. */
export const VOTE_EXAMPLE_ID = {
  vote: '4e6a8c0e-2b4d-4f6a-8c0e-2b4d6f8a0c21',
  question: '6a8c0e2b-4d6f-4a8c-9e2b-4d6f8a0c2e43',
  option: '8c0e2b4d-6f8a-4c0e-8b4d-6f8a0c2e4a65',
  ballot: '0e2b4d6f-8a0c-4e2b-9d6f-8a0c2e4a6c87',
  previousBallot: '2b4d6f8a-0c2e-4b4d-8f8a-0c2e4a6c8e09',
  delegation: 'd6f8a0c2-e4a6-4d6f-9a0c-2e4a6c8e0b2d',
  proxy: 'f8a0c2e4-a6c8-4f8a-8c2e-4a6c8e0b2d4f',
} as const;

export const EXAMPLE_HASH = '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e';
export const EXAMPLE_PREVIOUS_HASH = '3b5d7f9e1a3c5b7d9f1e9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c1b3d5f7e9a1c';
export const EXAMPLE_CHANGE_TOKEN = 'q3Zp0uYb8mJ2vN5xR7tW1kL4hG6dF9sA0cE2bQ8nM3o';
export const EXAMPLE_START = '2026-12-01T17:00:00.000Z';
export const EXAMPLE_END = '2026-12-16T17:00:00.000Z';
