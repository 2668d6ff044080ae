import { Injectable } from '@nestjs/common';
import { probe, type DependencyStatus, type ReadinessCheck } from '@ppt/observability';
import { DataSource } from 'typeorm';

@Injectable()
export class DatabaseReadiness implements ReadinessCheck {
  readonly name = 'database';

  constructor(private readonly dataSource: DataSource) {}

  check(): Promise<DependencyStatus> {
    return probe(() => this.dataSource.query('SELECT 1'), 1000);
  }
}
