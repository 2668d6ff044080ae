export { BuildingsHttpModule } from './buildings/buildings.http.module';
export { FaultsHttpModule } from './faults/faults.http.module';
export { InspectionsHttpModule } from './inspections/inspections.http.module';
export { LeasesHttpModule } from './leases/leases.http.module';
export { MetersHttpModule } from './meters/meters.http.module';
export { PeopleHttpModule } from './people/people.http.module';
export { UnitsHttpModule } from './units/units.http.module';
export { VendorsHttpModule } from './vendors/vendors.http.module';
