import { Process, Processor } from '@nestjs/bull';
import { TenantTransactions } from '@ppt/db';
import type { DomainEvent, DomainEventType } from '@ppt/events';
import { QueueName } from '@ppt/queue';
import type { Job } from 'bull';
import type { EntityManager } from 'typeorm';
import type { NewNotification } from '../../notifications/notifications.service';
import { NotificationDeliveryService } from '../notification-delivery.service';
import { NotificationRecipients } from '../notification-recipients';

const human = (s: string) => s.replace(/_/g, ' ');

/** What a trigger decided: who, what, and whether the producer already wrote the in-app rows. */
interface Plan {
  recipients: string[];
  notification: NewNotification;
  inApp: boolean;
}

/**
 * Who gets told what (docs/notifications.md): each domain event routed to the notifications queue
 * becomes notifications for its recipients; the event id keys them, so a replayed event (the relay
 * delivers at least once) tells nobody twice. The actor is never told about their own change.
 * Where the producer already wrote the in-app rows in its own transaction (announcements, overdue
 * charges, portal credentials), the trigger adds e-mail and push only.
 */
@Processor(QueueName.Notifications)
export class NotificationTriggersProcessor {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly delivery: NotificationDeliveryService,
    private readonly who: NotificationRecipients,
  ) {}

  @Process('fault.created')
  faultCreated(job: Job<DomainEvent<'fault.created'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => {
      const fault = await this.who.fault(m, organizationId, payload.faultId);
      if (!fault) return null;
      return {
        recipients: (await this.who.faultStaff(m, organizationId)).filter((u) => u !== fault.reporterUserId),
        inApp: true,
        notification: {
          type: 'fault_update',
          title: `New fault (${payload.priority}): ${payload.title}`,
          body: 'A new maintenance request was reported.',
          link: `/faults/${payload.faultId}`,
        },
      };
    });
  }

  @Process('fault.status_changed')
  faultStatusChanged(job: Job<DomainEvent<'fault.status_changed'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => {
      const fault = await this.who.fault(m, organizationId, payload.faultId);
      if (!fault) return null;
      return {
        recipients: [fault.reporterUserId, fault.assigneeUserId].filter(
          (u): u is string => !!u && u !== payload.changedBy,
        ),
        inApp: true,
        notification: {
          type: 'fault_update',
          title: `Fault ${human(payload.to)}: ${fault.title}`,
          body: `The status changed from ${human(payload.from)} to ${human(payload.to)}.`,
          link: `/faults/${payload.faultId}`,
        },
      };
    });
  }

  @Process('fault.assigned')
  faultAssigned(job: Job<DomainEvent<'fault.assigned'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => {
      const fault = await this.who.fault(m, organizationId, payload.faultId);
      if (!fault || fault.assigneeUserId !== payload.assigneeUserId) return null;
      return {
        recipients: [payload.assigneeUserId].filter((u) => u !== payload.assignedBy),
        inApp: true,
        notification: {
          type: 'fault_update',
          title: `Assigned to you: ${fault.title}`,
          body: `Priority ${fault.priority}.`,
          link: `/faults/${payload.faultId}`,
        },
      };
    });
  }

  @Process('vote.opened')
  voteOpened(job: Job<DomainEvent<'vote.opened'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => ({
      recipients: await this.who.voters(m, organizationId, payload.voteId),
      inApp: true,
      notification: {
        type: 'vote',
        title: `Vote opened: ${payload.title}`,
        body: `Voting is open until ${payload.endAt.slice(0, 16).replace('T', ' ')} UTC.`,
        link: `/votes/${payload.voteId}`,
      },
    }));
  }

  @Process('vote.closed')
  voteClosed(job: Job<DomainEvent<'vote.closed'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => {
      const outcomes = payload.results.map((r) => (r.quorumReached ? human(r.outcome) : 'no quorum'));
      return {
        recipients: await this.who.voters(m, organizationId, payload.voteId),
        inApp: true,
        notification: {
          type: 'vote',
          title: 'Vote closed: results are in',
          body: `Results: ${outcomes.join(', ') || 'no questions'}; ${payload.ballotCount} ballot(s).`,
          link: `/votes/${payload.voteId}`,
        },
      };
    });
  }

  @Process('lease.ending_soon')
  leaseEndingSoon(job: Job<DomainEvent<'lease.ending_soon'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => ({
      recipients: [
        ...(await this.who.leaseTenants(m, organizationId, payload.leaseId)),
        ...(await this.who.managers(m, organizationId)),
      ],
      inApp: true,
      notification: {
        type: 'lease_ending',
        title: `Lease ends in ${payload.daysLeft} days`,
        body: `The lease ends on ${payload.endDate}.`,
        link: `/leases/${payload.leaseId}`,
      },
    }));
  }

  @Process('announcement.published')
  announcementPublished(job: Job<DomainEvent<'announcement.published'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => ({
      recipients: await this.who.announcementAudience(m, organizationId, payload.announcementId),
      inApp: false,
      notification: {
        type: 'announcement',
        title: `${payload.urgent ? 'Urgent: ' : ''}${payload.title}`,
        body: '',
        link: `/announcements/${payload.announcementId}`,
      },
    }));
  }

  @Process('payment.overdue')
  paymentOverdue(job: Job<DomainEvent<'payment.overdue'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => {
      const { charge, userIds } = await this.who.chargePayer(m, organizationId, payload.chargeId);
      if (!charge) return null;
      return {
        recipients: userIds,
        inApp: false,
        notification: {
          type: 'payment_overdue',
          title: `Payment overdue: ${charge.description || human(charge.kind)}`,
          body: `${(payload.outstandingAmount / 100).toFixed(2)} ${payload.currency} was due on ${payload.dueDate}.`,
          link: `/charges/${charge.id}`,
        },
      };
    });
  }

  @Process('syndication.credentials_rejected')
  credentialsRejected(job: Job<DomainEvent<'syndication.credentials_rejected'>>) {
    return this.trigger(job, async (m, { organizationId, payload }) => ({
      recipients: await this.who.managers(m, organizationId),
      inApp: false,
      notification: {
        type: 'portal_credentials',
        title: `${payload.portal} refused our login`,
        body: `Listings wait until new ${payload.portal} credentials are saved; then retry the failed ones.`,
        link: `/syndication/portals/${payload.portal}`,
      },
    }));
  }

  private async trigger<T extends DomainEventType>(
    job: Job<DomainEvent<T>>,
    plan: (m: EntityManager, event: DomainEvent<T>) => Promise<Plan | null>,
  ): Promise<{ recipients: number }> {
    const event = job.data;
    const decided = await this.tenant.run({ organizationId: event.organizationId }, (m) => plan(m, event));
    if (!decided || decided.recipients.length === 0) return { recipients: 0 };
    const { notification } = decided;
    await this.delivery.dispatch(
      event.organizationId,
      event.id,
      decided.recipients,
      { ...notification, title: notification.title.slice(0, 200) },
      { inApp: decided.inApp },
    );
    return { recipients: new Set(decided.recipients).size };
  }
}
