export { ListingsHttpModule } from './listings/listings.http.module';
export { SyndicationHttpModule } from './syndication/syndication.http.module';
export { LeadHandlingHttpModule } from './lead-handling/lead-handling.http.module';
