import type { MembershipRole } from '@ppt/db';
import type { Request } from 'express';

/**
 * A signed-in PM account on the portal. Any account is a visitor, with or without an organisation
 * membership; `organizationId` and `role` are present only when the token acts in an organisation.
 */
export interface VisitorPrincipal {
  kind: 'visitor';
  userId: string;
  sessionId: string;
  organizationId?: string;
  role?: MembershipRole;
}

type WithVisitor = Request & { visitor?: VisitorPrincipal };

export function visitorOf(req: Request): VisitorPrincipal | undefined {
  return (req as WithVisitor).visitor;
}

export function attachVisitor(req: Request, visitor: VisitorPrincipal): void {
  (req as WithVisitor).visitor = visitor;
}
