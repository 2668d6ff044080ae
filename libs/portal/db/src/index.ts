export {
  Favorite,
  PORTAL_ENTITIES,
  PortalInquiry,
  PortalInquiryReply,
  PortalListing,
  SAVED_SEARCH_ALERTS,
  SavedSearch,
  type SavedSearchAlert,
} from './portal.entities';
