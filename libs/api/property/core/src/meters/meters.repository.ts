import { Injectable } from '@nestjs/common';
import { Meter, MeterReading, ReadingPeriod } from '@ppt/api-db';
import { TenantRepository } from '@ppt/db';
import { In, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import type { ListMetersQueryDto } from './dto/meter.dto';

/** Meters, readings and reading periods of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class MetersRepository extends TenantRepository<Meter> {
  constructor() {
    super(Meter);
  }

  /** `onlyUnitIds` restricts to a resident's units (null: no restriction). */
  list(
    m: EntityManager,
    organizationId: string,
    f: ListMetersQueryDto,
    onlyUnitIds: string[] | null,
  ): Promise<[Meter[], number]> {
    if (onlyUnitIds && f.unitId && !onlyUnitIds.includes(f.unitId)) return Promise.resolve([[], 0]);
    const unitId = f.unitId ?? (onlyUnitIds ? In(onlyUnitIds) : undefined);
    return m.findAndCount(Meter, {
      where: {
        organizationId,
        ...(unitId ? { unitId } : {}),
        ...(f.type ? { type: f.type } : {}),
      },
      order: { serialNumber: 'ASC', id: 'ASC' },
      take: f.limit,
      skip: f.offset,
    });
  }

  /** The latest reading by date (then by entry time). */
  lastReading(m: EntityManager, organizationId: string, meterId: string): Promise<MeterReading | null> {
    return m.findOne(MeterReading, {
      where: { organizationId, meterId },
      order: { readOn: 'DESC', createdAt: 'DESC' },
    });
  }

  /**
   * The readings either side of a new reading dated `readOn`: the latest one on or before that date
   * (a same-day reading entered earlier comes before it) and the earliest one after it.
   */
  async neighbours(
    m: EntityManager,
    organizationId: string,
    meterId: string,
    readOn: string,
  ): Promise<{ previous: MeterReading | null; next: MeterReading | null }> {
    const previous = await m.findOne(MeterReading, {
      where: { organizationId, meterId, readOn: LessThanOrEqual(readOn) },
      order: { readOn: 'DESC', createdAt: 'DESC' },
    });
    const next = await m.findOne(MeterReading, {
      where: { organizationId, meterId, readOn: MoreThan(readOn) },
      order: { readOn: 'ASC', createdAt: 'ASC' },
    });
    return { previous, next };
  }

  async changeSerial(
    m: EntityManager,
    organizationId: string,
    id: string,
    serialNumber: string,
  ): Promise<void> {
    await m.update(Meter, { organizationId, id }, { serialNumber });
  }

  lastReadings(m: EntityManager, organizationId: string, meterIds: string[]): Promise<MeterReading[]> {
    if (meterIds.length === 0) return Promise.resolve([]);
    return m
      .createQueryBuilder(MeterReading, 'r')
      .distinctOn(['r.meter_id'])
      .where('r.organization_id = :organizationId AND r.meter_id IN (:...meterIds)', {
        organizationId,
        meterIds,
      })
      .orderBy('r.meter_id')
      .addOrderBy('r.read_on', 'DESC')
      .addOrderBy('r.created_at', 'DESC')
      .getMany();
  }

  readings(
    m: EntityManager,
    organizationId: string,
    meterId: string,
    page: { limit: number; offset: number },
  ): Promise<[MeterReading[], number]> {
    return m.findAndCount(MeterReading, {
      where: { organizationId, meterId },
      order: { readOn: 'ASC', createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  /**
   * Entry time is the clock at insert (the meter row is locked by then), not now(), which is the
   * transaction's start: two concurrent submissions would otherwise be ordered by who began first
   * rather than who wrote first, and "the latest reading" could be the one checked against.
   */
  async addReading(
    m: EntityManager,
    organizationId: string,
    data: Partial<MeterReading>,
  ): Promise<MeterReading> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(MeterReading)
      .values({ ...data, organizationId, createdAt: () => 'clock_timestamp()' })
      .returning('id')
      .execute();
    return m.findOneByOrFail(MeterReading, { organizationId, id: (inserted.raw as { id: string }[])[0].id });
  }

  findPeriod(m: EntityManager, organizationId: string, id: string): Promise<ReadingPeriod | null> {
    return m.findOneBy(ReadingPeriod, { organizationId, id });
  }

  createPeriod(
    m: EntityManager,
    organizationId: string,
    data: Partial<ReadingPeriod>,
  ): Promise<ReadingPeriod> {
    return m.save(m.create(ReadingPeriod, { ...data, organizationId }));
  }

  periods(
    m: EntityManager,
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<[ReadingPeriod[], number]> {
    return m.findAndCount(ReadingPeriod, {
      where: { organizationId },
      order: { deadline: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }
}
