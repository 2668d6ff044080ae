import { Injectable } from '@nestjs/common';
import { can, Permission } from '@ppt/auth';
import type { Meter, MeterReading, ReadingPeriod } from '@ppt/api-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { type RequestMeta, type Tenant, type TenantTransaction, TenantUnitOfWork } from '@ppt/api-shared';
import { ResidentScope } from '../units/resident-scope';
import { UnitsService } from '../units/units.service';
import type {
  CreateMeterDto,
  CreateReadingPeriodDto,
  ListMetersQueryDto,
  MeterReadingResponse,
  MeterResponse,
  ReadingPeriodResponse,
  SubmitReadingDto,
} from './dto/meter.dto';
import { MeterError, MeterErrorCode } from './meters.errors';
import { MetersRepository } from './meters.repository';

/**
 * Meters and readings. Readings never roll back: each lies between its neighbours by date, and only
 * staff start a new meter (a replacement); the meter row is locked while a reading is checked and
 * written, so two concurrent submissions cannot slip past the rule. Owners and tenants read and submit for the meters of
 * their own units. `meter_reading.submitted` goes out through the outbox.
 */
@Injectable()
export class MetersService {
  constructor(
    private readonly tenant: TenantUnitOfWork,
    private readonly meters: MetersRepository,
    private readonly units: UnitsService,
    private readonly residents: ResidentScope,
  ) {}

  list(t: Tenant, query: ListMetersQueryDto): Promise<Page<MeterResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.meters.list(
        tx.manager,
        tx.organizationId,
        query,
        await this.residents.unitIds(tx.manager, t),
      );
      const last = new Map(
        (
          await this.meters.lastReadings(
            tx.manager,
            tx.organizationId,
            items.map((i) => i.id),
          )
        ).map((r) => [r.meterId, r]),
      );
      return {
        items: items.map((i) => toMeter(i, last.get(i.id) ?? null)),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    });
  }

  get(t: Tenant, id: string): Promise<MeterResponse> {
    return this.tenant.run(t, async (tx) => {
      const meter = await this.visibleMeter(tx, t, id);
      return toMeter(meter, await this.meters.lastReading(tx.manager, tx.organizationId, id));
    });
  }

  create(t: Tenant, dto: CreateMeterDto, meta: RequestMeta): Promise<MeterResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        if (!(await this.units.findById(tx, dto.unitId)))
          throw new MeterError(MeterErrorCode.UnitNotFound, 'Unit not found');
        const meter = await this.meters.create(tx, dto).catch(serialTaken);
        const { organization: _o, unit: _u, ...fields } = meter;
        await tx.auditChange({ type: 'meter', id: meter.id, verb: 'created' }, null, fields);
        return toMeter(meter, null);
      },
      meta,
    );
  }

  readings(t: Tenant, meterId: string, page: PageQueryDto): Promise<Page<MeterReadingResponse>> {
    return this.tenant.run(t, async (tx) => {
      await this.visibleMeter(tx, t, meterId);
      const [rows, total] = await this.meters.readings(tx.manager, tx.organizationId, meterId, page);
      return { items: rows.map(toReading), total, limit: page.limit, offset: page.offset };
    });
  }

  /**
   * Records a reading. With the meter row locked (concurrent submissions for one meter run one at a
   * time, so none is checked against a state another is about to change), the value must lie between
   * the readings either side of its date: not below the one before, not above the one after (unless
   * that one starts a replaced meter). A replacement — staff only — must be the newest reading; it
   * records the new meter's serial number and start value and renames the meter.
   */
  submitReading(
    t: Tenant,
    meterId: string,
    dto: SubmitReadingDto,
    meta: RequestMeta,
  ): Promise<MeterReadingResponse> {
    const today = new Date().toISOString().slice(0, 10);
    if (dto.readOn > today)
      throw new MeterError(MeterErrorCode.InFuture, 'The reading date is in the future');
    if (dto.newSerialNumber !== undefined && !dto.isReplacement) {
      throw new MeterError(
        MeterErrorCode.InvalidReplacement,
        'newSerialNumber is recorded only with isReplacement',
      );
    }
    return this.tenant.run(
      t,
      async (tx) => {
        const meter = await this.meters.findForUpdate(tx, meterId);
        if (!meter || !(await this.residents.canSee(tx.manager, t, meter.unitId))) throw notFound();
        if (dto.isReplacement && !isStaff(t)) {
          throw new MeterError(
            MeterErrorCode.ReplacementStaffOnly,
            'Only staff can record a meter replacement; report the new meter to your manager',
          );
        }
        if (dto.periodId) await this.checkPeriod(tx, dto.periodId, dto.readOn, today);
        const { previous, next } = await this.meters.neighbours(
          tx.manager,
          tx.organizationId,
          meterId,
          dto.readOn,
        );
        if (dto.isReplacement) {
          if (next) {
            throw new MeterError(
              MeterErrorCode.OutOfOrder,
              `A replacement must be the newest reading; there is a reading on ${next.readOn}`,
            );
          }
        } else {
          checkBetween(dto.value, previous, next);
        }
        const serials = dto.isReplacement
          ? { newSerialNumber: dto.newSerialNumber ?? null, oldSerialNumber: meter.serialNumber }
          : { newSerialNumber: null, oldSerialNumber: null };
        if (serials.newSerialNumber) {
          await this.meters
            .changeSerial(tx.manager, tx.organizationId, meterId, serials.newSerialNumber)
            .catch(serialTaken);
        }
        const reading = await this.meters.addReading(tx.manager, tx.organizationId, {
          meterId,
          periodId: dto.periodId ?? null,
          value: dto.value,
          readOn: dto.readOn,
          isReplacement: dto.isReplacement ?? false,
          ...serials,
          submittedByUserId: t.userId,
        });
        await tx.auditChange({ type: 'meter_reading', id: reading.id, verb: 'created' }, null, {
          meterId,
          value: dto.value,
          readOn: dto.readOn,
          isReplacement: reading.isReplacement,
          ...(reading.isReplacement ? serials : {}),
        });
        await tx.emit({
          type: 'meter_reading.submitted',
          aggregateId: reading.id,
          aggregateVersion: 1,
          payload: {
            readingId: reading.id,
            meterId,
            unitId: meter.unitId,
            value: String(dto.value),
            readAt: dto.readOn,
          },
        });
        return toReading(reading);
      },
      meta,
    );
  }

  createPeriod(t: Tenant, dto: CreateReadingPeriodDto, meta: RequestMeta): Promise<ReadingPeriodResponse> {
    if (dto.deadline < dto.startsOn)
      throw new MeterError(MeterErrorCode.InvalidDates, 'The deadline is before the start');
    return this.tenant.run(
      t,
      async (tx) => {
        const period = toPeriod(await this.meters.createPeriod(tx.manager, tx.organizationId, dto));
        await tx.auditChange({ type: 'reading_period', id: period.id, verb: 'created' }, null, period);
        return period;
      },
      meta,
    );
  }

  periods(t: Tenant, page: PageQueryDto): Promise<Page<ReadingPeriodResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [rows, total] = await this.meters.periods(tx.manager, tx.organizationId, page);
      return { items: rows.map(toPeriod), total, limit: page.limit, offset: page.offset };
    });
  }

  /** Staff see every meter; owners and tenants the meters of their units (others: 404). */
  private async visibleMeter(tx: TenantTransaction, t: Tenant, id: string): Promise<Meter> {
    const meter = await this.meters.findById(tx, id);
    if (!meter || !(await this.residents.canSee(tx.manager, t, meter.unitId))) throw notFound();
    return meter;
  }

  /**
   * The period is still open on the day of submission (the server's date, not the date typed in:
   * a reading sent after the deadline and dated inside the period is still late), and the reading was
   * taken within it.
   */
  private async checkPeriod(
    tx: TenantTransaction,
    periodId: string,
    readOn: string,
    today: string,
  ): Promise<void> {
    const period = await this.meters.findPeriod(tx.manager, tx.organizationId, periodId);
    if (!period) throw new MeterError(MeterErrorCode.PeriodNotFound, 'Reading period not found');
    if (today > period.deadline) {
      throw new MeterError(
        MeterErrorCode.PeriodClosed,
        `Readings for "${period.name}" were due by ${period.deadline}`,
      );
    }
    if (readOn < period.startsOn || readOn > period.deadline) {
      throw new MeterError(
        MeterErrorCode.OutsidePeriod,
        `Readings for "${period.name}" are taken from ${period.startsOn} to ${period.deadline}`,
      );
    }
  }
}

function isStaff(t: Tenant): boolean {
  return can(t, Permission.MeterManage);
}

/**
 * A value below the reading before it, or above the reading after it, would make consumption
 * negative somewhere. A later replacement starts a new meter, so it sets no upper bound.
 */
function checkBetween(value: number, previous: MeterReading | null, next: MeterReading | null): void {
  if (previous && value < previous.value) {
    if (!next) {
      throw new MeterError(
        MeterErrorCode.LowerThanPrevious,
        `The value ${value} is lower than the last reading ${previous.value} (${previous.readOn}); staff record a replaced meter as a replacement`,
      );
    }
    throw new MeterError(
      MeterErrorCode.OutOfOrder,
      `The value ${value} is lower than the reading before it, ${previous.value} (${previous.readOn})`,
    );
  }
  if (next && !next.isReplacement && value > next.value) {
    throw new MeterError(
      MeterErrorCode.OutOfOrder,
      `The value ${value} is higher than the reading after it, ${next.value} (${next.readOn})`,
    );
  }
}

function serialTaken(err: unknown): never {
  if ((err as { constraint?: string }).constraint === 'uq_meters_org_serial') {
    throw new MeterError(MeterErrorCode.SerialTaken, 'A meter with this serial number already exists');
  }
  throw err;
}

function notFound(): MeterError {
  return new MeterError(MeterErrorCode.NotFound, 'Meter not found');
}

function toReading(r: MeterReading): MeterReadingResponse {
  return {
    id: r.id,
    meterId: r.meterId,
    periodId: r.periodId,
    value: r.value,
    readOn: r.readOn,
    isReplacement: r.isReplacement,
    newSerialNumber: r.newSerialNumber,
    oldSerialNumber: r.oldSerialNumber,
    submittedByUserId: r.submittedByUserId,
    createdAt: r.createdAt,
  };
}

function toMeter(meter: Meter, last: MeterReading | null): MeterResponse {
  return {
    id: meter.id,
    unitId: meter.unitId,
    type: meter.type,
    serialNumber: meter.serialNumber,
    lastReading: last ? toReading(last) : null,
    createdAt: meter.createdAt,
  };
}

function toPeriod(p: ReadingPeriod): ReadingPeriodResponse {
  return { id: p.id, name: p.name, startsOn: p.startsOn, deadline: p.deadline, createdAt: p.createdAt };
}
