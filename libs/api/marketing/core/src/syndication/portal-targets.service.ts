import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@ppt/config';
import { SYNDICATION_PORTALS, type PortalTarget, type SyndicationPortal } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter } from '@ppt/events';
import { serviceUnavailable } from '@ppt/observability';
import { HTTP_SCHEMES } from '@ppt/outbound';
import { OPENIMMO_ENDPOINT_SCHEMES } from '@ppt/syndication';
import type { EntityManager } from 'typeorm';
import { SyndicationEnv } from './syndication.env';
import { PortalHttp } from './adapters/portal-http';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import type { PortalTargetResponse, PutPortalTargetDto } from './dto/syndication.dto';
import { InboundSecretsDto, PORTAL_CONFIG, validatePortalPart } from './portal-configs';
import { PortalTargetsRepository } from './portal-targets.repository';
import { SyndicationJobs } from './syndication-jobs';
import { SyndicationError, SyndicationErrorCode } from './syndication.errors';
import { credentialsContext, inboundSecretsContext } from './portal-secret-contexts';

/** A target as the worker uses it: credentials opened. */
export interface OpenedTarget {
  portal: SyndicationPortal;
  enabled: boolean;
  /** The portal refused these credentials; jobs do not call it until new ones are saved. */
  credentialsRejectedAt?: Date | null;
  credentials: Record<string, unknown>;
  options: Record<string, unknown>;
}

/** Our own portal needs no set-up: every organisation publishes there unless it turns it off. */
const IMPLICIT: Partial<Record<SyndicationPortal, { enabled: boolean }>> = {
  'reality-portal': { enabled: true },
};

/**
 * The portals an organisation publishes to. Credentials are validated per portal, sealed with the
 * SecretBox (bound to organisation and portal) and never returned.
 */
@Injectable()
export class PortalTargetsService {
  private readonly box: SecretBox | null;

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly targets: PortalTargetsRepository,
    private readonly jobs: SyndicationJobs,
    @Inject(SyndicationEnv) env: SyndicationEnv,
    private readonly http: PortalHttp,
    private readonly outbox: OutboxWriter,
  ) {
    this.box = env.SECRETS_ENCRYPTION_KEYS ? new SecretBox(env.SECRETS_ENCRYPTION_KEYS) : null;
  }

  list(t: Tenant): Promise<{ items: PortalTargetResponse[] }> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const rows = await this.targets.list(m, t.organizationId);
      return {
        items: SYNDICATION_PORTALS.map((portal) =>
          toResponse(portal, rows.find((r) => r.portal === portal) ?? null),
        ),
      };
    });
  }

  /**
   * An enabled portal gets every listing already on the market; a disabled portal with listings
   * still on it has them all taken off (a worker job, after commit). Every save queues that job again,
   * so a request whose job Redis refused (503) can simply be repeated.
   */
  async put(t: Tenant, portal: SyndicationPortal, dto: PutPortalTargetDto): Promise<PortalTargetResponse> {
    const { response, replan } = await this.save(t, portal, dto);
    if (replan) {
      await this.jobs.planPortal(t.organizationId, portal).catch(() => {
        // Saved, but nothing planned: repeating the request plans again (any PUT of an enabled portal does).
        throw serviceUnavailable(
          `The ${portal} settings were saved, but its listings could not be planned; repeat the request shortly`,
        );
      });
    }
    return response;
  }

  private save(
    t: Tenant,
    portal: SyndicationPortal,
    dto: PutPortalTargetDto,
  ): Promise<{ response: PortalTargetResponse; replan: boolean }> {
    const shape = PORTAL_CONFIG[portal];
    return this.tenant.run(scopeOf(t), async (m) => {
      const existing = await this.targets.find(m, t.organizationId, portal);
      const problems = [];
      let options = existing?.options ?? {};
      if (dto.options !== undefined || !existing) {
        const checked = validatePortalPart(shape.options, dto.options ?? {}, 'options');
        if ('problems' in checked) problems.push(...checked.problems);
        else options = checked.value;
      }
      let credentialsSealed = existing?.credentialsSealed ?? null;
      if (dto.credentials !== undefined) {
        const checked = validatePortalPart(shape.credentials, dto.credentials, 'credentials');
        if ('problems' in checked) problems.push(...checked.problems);
        else
          credentialsSealed = this.seal(
            JSON.stringify(checked.value),
            credentialsContext(t.organizationId, portal),
          );
      } else if (shape.needsCredentials && !credentialsSealed) {
        problems.push({ field: 'credentials', message: `${portal} needs credentials` });
      }
      let inboundSecretsSealed = existing?.inboundSecretsSealed ?? null;
      if (dto.inboundSecrets !== undefined) {
        const checked = validatePortalPart(InboundSecretsDto, { secrets: dto.inboundSecrets }, 'credentials');
        if ('problems' in checked)
          problems.push(...checked.problems.map((p) => ({ ...p, field: 'inboundSecrets' })));
        else
          inboundSecretsSealed = this.seal(
            JSON.stringify(dto.inboundSecrets),
            inboundSecretsContext(t.organizationId, portal),
          );
      }
      if (problems.length) {
        throw new SyndicationError(
          SyndicationErrorCode.InvalidPortalConfig,
          `The ${portal} configuration is not valid`,
          problems,
        );
      }
      this.checkEndpoint(portal, options.endpoint);
      const enabled = dto.enabled ?? existing?.enabled ?? true;
      await this.targets.save(m, {
        organizationId: t.organizationId,
        portal,
        enabled,
        credentialsSealed,
        inboundSecretsSealed,
        options,
        // New credentials are worth another try; anything else keeps the portal's verdict.
        credentialsRejectedAt:
          dto.credentials !== undefined ? null : (existing?.credentialsRejectedAt ?? null),
      });
      return {
        response: toResponse(portal, await this.targets.find(m, t.organizationId, portal)),
        // On: plan every time (idempotent), so a repeated PUT makes up for one whose job never queued.
        replan: enabled || (await this.targets.countLive(m, t.organizationId, portal)) > 0,
      };
    });
  }

  remove(t: Tenant, portal: SyndicationPortal): Promise<void> {
    return this.tenant.run(scopeOf(t), async (m) => {
      if ((await this.targets.countLive(m, t.organizationId, portal)) > 0) {
        throw new SyndicationError(
          SyndicationErrorCode.NotRetryable,
          `Listings are still on ${portal}: withdraw them (POST /syndication/withdraw) or disable the portal, and delete it once they are removed`,
        );
      }
      if (!(await this.targets.delete(m, t.organizationId, portal)))
        throw new SyndicationError(SyndicationErrorCode.PortalNotConfigured, `${portal} is not configured`);
    });
  }

  /** The portals new listings go to, credentials opened (inside the caller's tenant transaction). */
  async enabled(m: EntityManager, organizationId: string): Promise<OpenedTarget[]> {
    const rows = await this.targets.list(m, organizationId);
    const opened: OpenedTarget[] = [];
    for (const portal of SYNDICATION_PORTALS) {
      const row = rows.find((r) => r.portal === portal);
      const target = row
        ? this.open(row)
        : IMPLICIT[portal]
          ? { portal, enabled: true, credentials: {}, options: {} }
          : null;
      if (target?.enabled) opened.push(target);
    }
    return opened;
  }

  /** One portal's target, enabled or not (jobs of a disabled portal still finish removals). */
  async get(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
  ): Promise<OpenedTarget | null> {
    const row = await this.targets.find(m, organizationId, portal);
    if (row) return this.open(row);
    return IMPLICIT[portal] ? { portal, enabled: true, credentials: {}, options: {} } : null;
  }

  /**
   * A portal refused the organisation's credentials (inside the job's tenant transaction): marked
   * once, with an outbox event, until new credentials are saved. True when this call marked it.
   */
  async credentialsRejected(
    m: EntityManager,
    organizationId: string,
    portal: SyndicationPortal,
    detail: { errorCode: string; portalStatus: string | null },
  ): Promise<boolean> {
    if (!(await this.targets.markCredentialsRejected(m, organizationId, portal))) return false;
    const row = await this.targets.find(m, organizationId, portal);
    await this.outbox.write(m, {
      type: 'syndication.credentials_rejected',
      organizationId,
      aggregateId: row!.id,
      aggregateVersion: 1,
      payload: { portal, ...detail },
    });
    return true;
  }

  /** The secrets a portal signs its webhooks to us with. */
  inboundSecrets(row: PortalTarget): string[] {
    if (!row.inboundSecretsSealed || !this.box) return [];
    return JSON.parse(
      this.box.open(row.inboundSecretsSealed, inboundSecretsContext(row.organizationId, row.portal)),
    ) as string[];
  }

  private open(row: PortalTarget): OpenedTarget {
    const credentials =
      row.credentialsSealed && this.box
        ? (JSON.parse(
            this.box.open(row.credentialsSealed, credentialsContext(row.organizationId, row.portal)),
          ) as Record<string, unknown>)
        : {};
    return {
      portal: row.portal,
      enabled: row.enabled,
      credentialsRejectedAt: row.credentialsRejectedAt,
      credentials,
      options: row.options,
    };
  }

  private seal(plaintext: string, context: string): string {
    if (!this.box) {
      throw new SyndicationError(
        SyndicationErrorCode.SecretsNotConfigured,
        'Portal credentials cannot be stored: SECRETS_ENCRYPTION_KEYS is not configured',
      );
    }
    return this.box.seal(plaintext, context);
  }

  /**
   * Endpoints are https:// (OpenImmo also ftps:// and sftp://) and not on an address the guarded
   * agent refuses (unencrypted http/ftp only to an allow-listed address, OUTBOUND_ALLOWED_CIDRS).
   * Names are checked again, resolved, at every call.
   */
  private checkEndpoint(portal: SyndicationPortal, endpoint: unknown): void {
    if (typeof endpoint !== 'string') return;
    const problem = this.http.urlProblem(
      endpoint,
      portal === 'openimmo' ? OPENIMMO_ENDPOINT_SCHEMES : HTTP_SCHEMES,
    );
    if (problem) {
      throw new SyndicationError(SyndicationErrorCode.EndpointNotAllowed, `The portal endpoint ${problem}`, [
        { field: 'options.endpoint', message: problem },
      ]);
    }
  }
}

function toResponse(portal: SyndicationPortal, row: PortalTarget | null): PortalTargetResponse {
  return {
    portal,
    enabled: row ? row.enabled : (IMPLICIT[portal]?.enabled ?? false),
    configured: row !== null,
    hasCredentials: row?.credentialsSealed != null,
    hasInboundSecrets: row?.inboundSecretsSealed != null,
    options: row?.options ?? {},
    credentialsRejectedAt: row?.credentialsRejectedAt ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}
