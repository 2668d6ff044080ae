/** bigint money columns arrive from pg as strings; amounts in minor units stay below 2^53. */
export const money = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Decimal columns arrive from pg as strings; these stay numbers in the app. */
export const decimal = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};
