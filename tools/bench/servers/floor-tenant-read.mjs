// The floor for tenant reads (issue #23, item 1): Express + pg, no framework, no auth, no logging.
// GET /api/v1/buildings runs what api-server's list of buildings runs for a first page that holds
// every row (the common case): one transaction, the tenant settings in one set_config statement, the
// page with each building's unit count, COMMIT; it answers the same JSON envelope. The organisation
// and user are fixed (argv). argv: port, DATABASE_URL (the application role, RLS on), org id, user id.
import express from 'express';
import pg from 'pg';

const [port, url, organizationId, userId] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const PAGE = `
  SELECT b.id, b.organization_id, b.created_at, b.updated_at, b.name, b.address_line, b.city, b.postal_code,
         b.country, b.latitude, b.longitude, b.year_built, b.floors, b.type, b.manager_user_id, b.archived_at,
         (SELECT count(*)::int FROM units u WHERE u.organization_id = b.organization_id AND u.building_id = b.id) AS unit_count
    FROM buildings b
   WHERE b.organization_id = $1 AND b.archived_at IS NULL
   ORDER BY b.name ASC NULLS LAST, b.id ASC
   LIMIT $2 OFFSET $3`;

const app = express();
app.get('/api/v1/buildings', async (_req, res) => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.current_org', $1, true), set_config('app.current_user', $2, true)`, [
      organizationId,
      userId,
    ]);
    const { rows } = await client.query(PAGE, [organizationId, 20, 0]);
    await client.query('COMMIT');
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        addressLine: r.address_line,
        city: r.city,
        postalCode: r.postal_code,
        country: r.country,
        latitude: r.latitude === null ? null : Number(r.latitude),
        longitude: r.longitude === null ? null : Number(r.longitude),
        yearBuilt: r.year_built,
        floors: r.floors,
        type: r.type,
        managerUserId: r.manager_user_id,
        archivedAt: r.archived_at,
        unitCount: r.unit_count,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      })),
      total: rows.length,
      limit: 20,
      offset: 0,
    });
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    res.status(500).json({ error: String(err) });
  } finally {
    client.release();
  }
});
app.listen(Number(port), '127.0.0.1');
