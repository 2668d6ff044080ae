import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SearchFiltersDto } from '../../saved-searches/dto/saved-search.dto';
import { SearchListingsQueryDto } from './search.dto';

/** The schema says no filter may be null: an explicit null is refused, not stored and echoed. */
describe('search filters', () => {
  const errorsOf = (cls: typeof SearchListingsQueryDto | typeof SearchFiltersDto, input: object) =>
    validateSync(plainToInstance(cls, input), { whitelist: true, forbidNonWhitelisted: true }).map(
      (e) => e.property,
    );

  it.each(['city', 'priceMin', 'transaction', 'lat', 'q'])('refuses %s: null', (field) => {
    expect(errorsOf(SearchListingsQueryDto, { [field]: null })).toEqual([field]);
    expect(errorsOf(SearchFiltersDto, { [field]: null })).toEqual([field]);
  });

  it('accepts filters left out, and set ones', () => {
    expect(errorsOf(SearchFiltersDto, {})).toEqual([]);
    expect(errorsOf(SearchFiltersDto, { city: 'Praha', priceMin: 1000, transaction: 'rent' })).toEqual([]);
  });
});
