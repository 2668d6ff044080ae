#!/usr/bin/env node
// npm run seed: demo data for a running system (npm start), created through the public API so every
// rule applies: an organisation with a manager and a tenant login, two buildings with units, people,
// leases, meters with readings, faults in several states and published listings. The tenant login is
// linked to the person who rents flat 1A, so it sees that flat, its meter and the faults it reported
// (residents report faults only where they live). Safe to run again (new e-mail suffix).
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { localEnv } from '../lib/env.mjs';
import { markEmailVerified } from '../lib/verify-email.mjs';
import { log } from '../lib/workspace.mjs';

// Given both the API and the owner's URL (a test does), the seed needs no .env.
const env = process.env.SEED_API_URL && process.env.DATABASE_MIGRATION_URL ? process.env : localEnv();
const base = process.env.SEED_API_URL ?? `http://127.0.0.1:${env.API_PORT ?? 3000}/api/v1`;
const suffix = randomBytes(3).toString('hex');
const PASSWORD = 'demo password 2026';

async function call(method, path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return json;
}

/**
 * Demo mailboxes do not exist, so the seed stands in for the two links a person would click, as the
 * database owner (DATABASE_MIGRATION_URL): "confirm your e-mail address" and the invitation's token.
 */
const ownerUrl = process.env.DATABASE_MIGRATION_URL ?? env.DATABASE_MIGRATION_URL;

async function asOwner(sql, params) {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    return await db.query(sql, params);
  } finally {
    await db.end();
  }
}

async function account(label, name) {
  const email = `${label}-${suffix}@demo.example`;
  await call('POST', '/auth/register', undefined, { email, password: PASSWORD, displayName: name });
  await markEmailVerified(ownerUrl, email);
  return email;
}

/** Memberships exist only by invitation: the manager invites, the invitee (signed in) accepts. */
async function inviteAndAccept(adminToken, organizationId, email, role) {
  const invitation = await call('POST', `/organizations/${organizationId}/invitations`, adminToken, { email, role });
  const token = randomBytes(32).toString('base64url');
  await asOwner('UPDATE organization_invitations SET token_hash = $2 WHERE id = $1', [
    invitation.id,
    createHash('sha256').update(token).digest('hex'),
  ]);
  const { accessToken } = await call('POST', '/auth/login', undefined, { email, password: PASSWORD });
  await call('POST', '/me/invitations/accept', accessToken, { token });
}

try {
  const managerEmail = await account('manager', 'Marie Správcová');
  let { accessToken: manager } = await call('POST', '/auth/login', undefined, { email: managerEmail, password: PASSWORD });
  const org = await call('POST', '/organizations', manager, { name: `SVJ Vinohradská (demo ${suffix})` });
  manager = (await call('POST', '/auth/switch-organization', manager, { organizationId: org.id })).accessToken;

  const buildings = [];
  for (const [name, addressLine, city, postalCode, floors] of [
    ['Vinohradská 12', 'Vinohradská 1234/12', 'Praha', '120 00', 5],
    ['Cejl 40', 'Cejl 512/40', 'Brno', '602 00', 4],
  ]) {
    buildings.push(await call('POST', '/buildings', manager, { name, addressLine, city, postalCode, country: 'CZ', floors, yearBuilt: 1930 }));
  }
  const units = [];
  for (const building of buildings) {
    for (let floor = 1; floor <= 3; floor++) {
      for (const letter of ['A', 'B']) {
        units.push(await call('POST', '/units', manager, {
          buildingId: building.id, number: `${floor}${letter}`, floor, areaM2: 55 + floor * 8, rooms: 2 + (letter === 'B' ? 1 : 0),
          ownershipShareNumerator: 1000 + floor * 100, ownershipShareDenominator: 10000,
        }));
      }
    }
  }
  const people = [];
  for (const [firstName, lastName] of [['Jana', 'Nováková'], ['Petr', 'Svoboda'], ['Eva', 'Dvořáková'], ['Tomáš', 'Černý']]) {
    people.push(await call('POST', '/people', manager, { firstName, lastName, email: `${firstName.toLowerCase()}.${suffix}@demo.example` }));
  }
  const year = new Date().getFullYear();
  for (let i = 0; i < people.length; i++) {
    const lease = await call('POST', '/leases', manager, {
      unitId: units[i].id, primaryTenantId: people[i].id, leaseNumber: `L-${year}-${suffix}-${i + 1}`,
      startDate: `${year}-01-01`, endDate: `${year + 1}-12-31`, rentAmount: 1500000 + i * 150000, depositAmount: 3000000, currency: 'CZK', paymentDay: 15,
    });
    await call('POST', `/leases/${lease.id}/activate`, manager);
  }
  for (const unit of units.slice(0, 4)) {
    const meter = await call('POST', '/meters', manager, { unitId: unit.id, type: 'water_cold', serialNumber: `WC-${suffix}-${unit.number}-${unit.buildingId.slice(0, 4)}` });
    await call('POST', `/meters/${meter.id}/readings`, manager, { value: 120.5, readOn: `${year}-01-05` });
    await call('POST', `/meters/${meter.id}/readings`, manager, { value: 131.25, readOn: new Date().toISOString().slice(0, 10) });
  }
  await call('POST', '/vendors', manager, { name: 'Instalatérství Novák s.r.o.', trade: 'plumbing', phone: '+420 601 234 567' });

  const tenantEmail = await account('tenant', 'Jana Nováková');
  await inviteAndAccept(manager, org.id, tenantEmail, 'tenant');
  const { accessToken: tenant } = await call('POST', '/auth/login', undefined, { email: tenantEmail, password: PASSWORD, organizationId: org.id });
  // Jana's account becomes the person Jana, who rents flat 1A (units[0], her lease above) and lives there.
  const tenantUser = await call('GET', '/auth/me', tenant);
  await call('PATCH', `/people/${people[0].id}`, manager, { userId: tenantUser.id });
  await call('POST', `/units/${units[0].id}/occupants`, manager, { personId: people[0].id, relation: 'tenant', startsOn: `${year}-01-01` });
  const fault = await call('POST', '/faults', tenant, { buildingId: buildings[0].id, unitId: units[0].id, title: 'Dripping kitchen tap', description: 'Drips all night.', category: 'plumbing', priority: 'normal' });
  await call('POST', `/faults/${fault.id}/comments`, tenant, { body: 'I am home after 17:00.' });
  const urgent = await call('POST', '/faults', manager, { buildingId: buildings[1].id, title: 'Lift out of order', description: 'Stuck on floor 2.', category: 'common_area', priority: 'urgent' });
  await call('POST', `/faults/${urgent.id}/status`, manager, { status: 'triaged', note: 'Service company called' });

  // Listings: two empty flats for rent and a flat for sale, published to the Reality Portal.
  const listings = [];
  for (const [unit, transaction, title, priceAmount] of [
    [units[4], 'rent', 'Světlý byt 2+kk na Vinohradech', 2450000],
    [units[5], 'rent', 'Prostorný byt 3+1 s balkónem', 2890000],
    [units[10], 'sale', 'Byt 3+1 v centru Brna na prodej', 690000000],
  ]) {
    const listing = await call('POST', '/listings', manager, {
      unitId: unit.id, transaction, propertyType: 'apartment', title, priceAmount, currency: 'CZK',
      description: 'Po rekonstrukci, blízko MHD. Prohlídky po domluvě.', energyClass: 'C', features: ['balcony', 'cellar'],
    });
    await call('POST', `/listings/${listing.id}/status`, manager, { status: 'published' });
    listings.push(listing);
  }

  // What the tenant sees, asked as the tenant.
  const tenantUnits = (await call('GET', '/units', tenant)).items;
  const tenantMeters = (await call('GET', '/meters', tenant)).items;
  const tenantFaults = (await call('GET', '/faults', tenant)).items;

  log('Demo data created:');
  log(`  organisation  ${org.name} (${org.id})`);
  log(`  manager       ${managerEmail} / ${PASSWORD}`);
  log(`  tenant        ${tenantEmail} / ${PASSWORD}`);
  const listed = (items, show) => items.map(show).join(', ') || 'none';
  log(`  the tenant sees unit(s) ${listed(tenantUnits, (u) => u.number)}, meter(s) ${listed(tenantMeters, (m) => m.serialNumber)}, fault(s) ${listed(tenantFaults, (f) => `"${f.title}"`)}`);
  log(`  ${buildings.length} buildings, ${units.length} units, ${people.length} people with active leases, 4 meters, 2 faults, ${listings.length} published listings`);
} catch (err) {
  process.stderr.write(`[ppt] seed failed: ${err.message}\n(is the system running? npm start)\n`);
  process.exitCode = 1;
}
