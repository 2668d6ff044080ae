import { Process, Processor } from '@nestjs/bull';
import { Fault, Membership, TenantTransactions } from '@ppt/db';
import type { DomainEvent } from '@ppt/events';
import { QueueName } from '@ppt/queue';
import type { Job } from 'bull';
import { In } from 'typeorm';
import { NotificationDeliveryService } from '../notification-delivery.service';

/** Who handles faults in an organisation (they hear of new ones). */
const FAULT_STAFF = ['org_admin', 'manager', 'technical_manager'] as const;

/**
 * Who gets told what (docs/notifications.md): each domain event routed to the notifications queue
 * becomes notifications for its recipients; the event id keys them, so a replayed event (the relay
 * delivers at least once) tells nobody twice. The actor is never told about their own change.
 */
@Processor(QueueName.Notifications)
export class NotificationTriggersProcessor {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly delivery: NotificationDeliveryService,
  ) {}

  @Process('fault.created')
  async faultCreated(job: Job<DomainEvent<'fault.created'>>): Promise<{ recipients: number }> {
    const { id, organizationId, payload } = job.data;
    const recipients = await this.tenant.run({ organizationId }, async (m) => {
      const fault = await m.findOneBy(Fault, { organizationId, id: payload.faultId });
      if (!fault) return [];
      const staff = await m.findBy(Membership, { organizationId, role: In([...FAULT_STAFF]) });
      return staff.map((s) => s.userId).filter((u) => u !== fault.reporterUserId);
    });
    await this.delivery.dispatch(organizationId, id, recipients, {
      type: 'fault_update',
      title: `New fault (${payload.priority}): ${payload.title}`.slice(0, 200),
      body: 'A new maintenance request was reported.',
      link: `/faults/${payload.faultId}`,
    });
    return { recipients: recipients.length };
  }

  @Process('fault.status_changed')
  async faultStatusChanged(job: Job<DomainEvent<'fault.status_changed'>>): Promise<{ recipients: number }> {
    const { id, organizationId, payload } = job.data;
    const found = await this.tenant.run({ organizationId }, (m) =>
      m.findOneBy(Fault, { organizationId, id: payload.faultId }),
    );
    if (!found) return { recipients: 0 };
    const recipients = [found.reporterUserId, found.assigneeUserId].filter(
      (u): u is string => !!u && u !== payload.changedBy,
    );
    await this.delivery.dispatch(organizationId, id, recipients, {
      type: 'fault_update',
      title: `Fault ${payload.to.replace('_', ' ')}: ${found.title}`.slice(0, 200),
      body: `The status changed from ${payload.from.replace('_', ' ')} to ${payload.to.replace('_', ' ')}.`,
      link: `/faults/${payload.faultId}`,
    });
    return { recipients: recipients.length };
  }
}
