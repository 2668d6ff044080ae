export { ListingsHttpModule } from './listings/listings.http.module';
export { SyndicationHttpModule } from './syndication/syndication.http.module';
