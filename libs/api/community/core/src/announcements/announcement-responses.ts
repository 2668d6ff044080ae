import type { Announcement } from '@ppt/api-db';
import type { AnnouncementResponse } from './dto/announcement.dto';

/** What the audit keeps of an announcement. */
export function snapshot(a: Announcement): Record<string, unknown> {
  const { organization: _o, createdBy: _c, ...fields } = a;
  return fields;
}

export function toResponse(a: Announcement): AnnouncementResponse {
  const { organization: _o, createdBy: _c, organizationId: _org, ...fields } = a;
  return fields;
}
