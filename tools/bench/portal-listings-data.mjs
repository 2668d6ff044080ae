// Realistic rows for portal.listings (issue #23, item 4), generated inside PostgreSQL in one statement
// so 100k rows take seconds: cities weighted by size with coordinates scattered around their centres,
// sale/rent and property types in market proportions, rooms, areas and prices that fit each other and
// the city, dates over the last year, Czech titles and descriptions (every seventh listing in German,
// as agencies near the border write them) and the search vector the feed writes. Deterministic for a
// given seed. Used by tools/bench/search.mjs; not part of the application.

/** name, region, latitude, longitude, spread (km), weight, sale price per m² (CZK), German-speaking share. */
const CITIES = [
  ['Praha', 'Hlavní město Praha', 50.0755, 14.4378, 9, 30, 130000],
  ['Brno', 'Jihomoravský kraj', 49.1951, 16.6068, 6, 12, 95000],
  ['Ostrava', 'Moravskoslezský kraj', 49.8209, 18.2625, 6, 7, 45000],
  ['Plzeň', 'Plzeňský kraj', 49.7384, 13.3736, 5, 5, 70000],
  ['Liberec', 'Liberecký kraj', 50.7663, 15.0543, 4, 4, 65000],
  ['Olomouc', 'Olomoucký kraj', 49.5938, 17.2509, 4, 4, 70000],
  ['České Budějovice', 'Jihočeský kraj', 48.9745, 14.4743, 4, 4, 70000],
  ['Hradec Králové', 'Královéhradecký kraj', 50.2092, 15.8328, 4, 3, 72000],
  ['Ústí nad Labem', 'Ústecký kraj', 50.6607, 14.0323, 4, 3, 35000],
  ['Pardubice', 'Pardubický kraj', 50.0343, 15.7812, 4, 3, 70000],
  ['Zlín', 'Zlínský kraj', 49.2265, 17.6707, 3, 2, 60000],
  ['Karlovy Vary', 'Karlovarský kraj', 50.2319, 12.8710, 3, 2, 55000],
  ['Jihlava', 'Kraj Vysočina', 49.3961, 15.5912, 3, 2, 55000],
  ['Kladno', 'Středočeský kraj', 50.1473, 14.1029, 3, 2, 60000],
  ['Český Krumlov', 'Jihočeský kraj', 48.8127, 14.3175, 2, 1, 60000],
  ['Mariánské Lázně', 'Karlovarský kraj', 49.9646, 12.7012, 2, 1, 50000],
  ['Cheb', 'Karlovarský kraj', 50.0796, 12.3739, 2, 1, 40000],
  ['Říčany', 'Středočeský kraj', 49.9917, 14.6543, 3, 2, 85000],
];

const sqlText = (s) => `'${String(s).replace(/'/g, "''")}'`;
const sqlArray = (xs, type) => `ARRAY[${xs.map((x) => (typeof x === 'number' ? String(x) : sqlText(x))).join(', ')}]::${type}[]`;

/**
 * Replaces every row of portal.listings with `count` generated ones. `client` is a connected pg
 * client of a role that may write the table (the migration owner).
 */
export async function fillPortalListings(client, count, seed = 0.23) {
  const weights = CITIES.map((c) => c[5]);
  const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((a, b) => a + b, 0) / weights.reduce((a, b) => a + b, 0));
  const col = (i, type) => sqlArray(CITIES.map((c) => c[i]), type);
  // A database from before migration 1795450000000 (the baseline of bench:search) has no
  // portal.listing_search_vector: there, the same expression as the feed wrote it then.
  const [{ fn }] = (
    await client.query(`SELECT to_regprocedure('portal.listing_search_vector(text,text,text,text,text,text[])') AS fn`)
  ).rows;
  const searchVector = fn
    ? 'portal.listing_search_vector(title, city, region, address, description, features)'
    : `setweight(to_tsvector('portal.unaccented', title), 'A')
       || setweight(to_tsvector('portal.unaccented', concat_ws(' ', city, region, address)), 'B')
       || setweight(to_tsvector('portal.unaccented', concat_ws(' ', description, array_to_string(features, ' '))), 'C')`;
  await client.query('BEGIN');
  try {
    await client.query('TRUNCATE portal.listings');
    await client.query('SELECT setseed($1)', [seed]);
    await client.query(
      `
      WITH cities AS (
        SELECT * FROM unnest(${col(0, 'text')}, ${col(1, 'text')}, ${col(2, 'float8')}, ${col(3, 'float8')},
                             ${col(4, 'float8')}, ${sqlArray(cumulative, 'float8')}, ${col(6, 'float8')})
               AS c(city, region, lat, lng, spread_km, upto, price_m2)
      ),
      draws AS (
        SELECT g, random() AS r_city, random() AS r_kind, random() AS r_type, random() AS r_rooms,
               random() AS r_area, random() AS r_price, random() AS r_status, random() AS r_date,
               random() AS r_angle, random() AS r_dist, random() AS r_floor, random() AS r_words,
               random() AS r_feat, random() AS r_lang
          FROM generate_series(1, $1::int) g
      ),
      shaped AS (
        SELECT d.*, c.city, c.region, c.price_m2,
               CASE WHEN d.r_kind < 0.62 THEN 'sale' ELSE 'rent' END AS transaction,
               CASE WHEN d.r_type < 0.64 THEN 'apartment' WHEN d.r_type < 0.84 THEN 'house'
                    WHEN d.r_type < 0.90 THEN 'commercial' WHEN d.r_type < 0.95 THEN 'land'
                    WHEN d.r_type < 0.98 THEN 'parking' ELSE 'other' END AS property_type,
               -- a point within spread_km of the centre, evenly over the disc
               c.lat + (c.spread_km * sqrt(d.r_dist) / 111.045) * sin(2 * pi() * d.r_angle) AS lat,
               c.lng + (c.spread_km * sqrt(d.r_dist) / (111.045 * cos(radians(c.lat)))) * cos(2 * pi() * d.r_angle) AS lng,
               d.r_lang < 1.0 / 7 AS german
          FROM draws d
          JOIN LATERAL (SELECT * FROM cities WHERE upto >= d.r_city ORDER BY upto LIMIT 1) c ON true
      ),
      sized AS (
        SELECT s.*,
               CASE s.property_type WHEN 'apartment' THEN 1 + floor(s.r_rooms * s.r_rooms * 5)::int
                                    WHEN 'house' THEN 3 + floor(s.r_rooms * 5)::int ELSE NULL END AS rooms,
               round((CASE s.property_type WHEN 'apartment' THEN 22 + s.r_area * 110
                                           WHEN 'house' THEN 80 + s.r_area * 220
                                           WHEN 'commercial' THEN 30 + s.r_area * 400
                                           WHEN 'land' THEN 400 + s.r_area * 2500
                                           WHEN 'parking' THEN 12 + s.r_area * 8 ELSE 10 + s.r_area * 60 END)::numeric, 1) AS area
          FROM shaped s
      ),
      priced AS (
        SELECT z.*,
               -- minor units: sale ≈ area × price per m² (land a tenth), rent ≈ area × 1/450 of that per month
               (round(z.area * z.price_m2 * (0.75 + z.r_price * 0.5)
                      * CASE z.property_type WHEN 'land' THEN 0.1 WHEN 'parking' THEN 0.6 ELSE 1 END
                      * CASE z.transaction WHEN 'rent' THEN 1.0 / 450 ELSE 1 END / 100) * 10000)::bigint AS price,
               (ARRAY['balcony','elevator','cellar','garage','garden','terrace','parking','furnished'])[1 + floor(z.r_feat * 8)::int] AS f1,
               (ARRAY['balcony','elevator','cellar','garage','garden','terrace','parking','furnished'])[1 + floor(z.r_words * 8)::int] AS f2
          FROM sized z
      )
      INSERT INTO portal.listings (
        id, organization_id, version, status, transaction, property_type, title, description, price_amount,
        currency, area_m2, rooms, floor, energy_class, features, address_line, city, region, postal_code,
        country, latitude, longitude, photo_document_ids, contact_user_id, published_at, search_vector, updated_at)
      SELECT id, org, 1, status, transaction, property_type, title, description, price, 'CZK', area, rooms,
             floor, energy, features, address, city, region, postal, 'CZ', round(lat::numeric, 6),
             round(lng::numeric, 6), '{}', NULL, published_at,
             ${searchVector}, now()
        FROM (
          SELECT gen_random_uuid() AS id,
                 ('00000000-0000-4000-8000-' || lpad(to_hex(1 + g % 300), 12, '0'))::uuid AS org,
                 CASE WHEN r_status < 0.90 THEN 'published' WHEN r_status < 0.95 THEN 'reserved'
                      WHEN r_status < 0.98 THEN 'withdrawn' ELSE 'sold' END AS status,
                 transaction, property_type, area, rooms, price, city, region,
                 CASE WHEN property_type IN ('apartment', 'commercial') THEN floor(r_floor * 9)::smallint END AS floor,
                 (ARRAY['A','B','C','C','D','D','E','F','G'])[1 + floor(r_price * 9)::int] AS energy,
                 ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[f1, f2]) x WHERE r_feat > 0.15 ORDER BY 1) AS features,
                 (ARRAY['Vinohradská','Dlouhá','Nádražní','Masarykova','Husova','Palackého','Komenského','Lesní',
                        'Zahradní','Školní','Sokolská','Smetanova'])[1 + floor(r_words * 12)::int]
                   || ' ' || (1 + floor(r_floor * 2800))::int || '/' || (1 + floor(r_area * 60))::int AS address,
                 lpad((100 + floor(r_angle * 700))::int::text, 3, '0') || ' ' || lpad(floor(r_dist * 99)::int::text, 2, '0') AS postal,
                 lat, lng,
                 -- Milliseconds, as the feed writes them (JavaScript dates): the keyset cursor carries ms.
                 date_trunc('milliseconds', now() - make_interval(secs => r_date * 365 * 86400)) AS published_at,
                 CASE WHEN german THEN
                   (CASE transaction WHEN 'sale' THEN 'Verkauf: ' ELSE 'Vermietung: ' END)
                   || (CASE property_type WHEN 'apartment' THEN coalesce(rooms, 1) || '-Zimmer-Wohnung'
                        WHEN 'house' THEN 'Einfamilienhaus' WHEN 'commercial' THEN 'Gewerbefläche'
                        WHEN 'land' THEN 'Baugrundstück' WHEN 'parking' THEN 'Stellplatz' ELSE 'Objekt' END)
                   || ' ' || round(area)::int || ' m², ' || city
                 ELSE
                   (CASE transaction WHEN 'sale' THEN 'Prodej ' ELSE 'Pronájem ' END)
                   || (CASE property_type WHEN 'apartment' THEN 'bytu ' || coalesce(rooms, 1) || (CASE WHEN r_words < 0.5 THEN '+kk' ELSE '+1' END)
                        WHEN 'house' THEN 'rodinného domu' WHEN 'commercial' THEN 'komerčního prostoru'
                        WHEN 'land' THEN 'stavebního pozemku' WHEN 'parking' THEN 'garážového stání' ELSE 'nemovitosti' END)
                   || ' ' || round(area)::int || ' m², ' || city
                 END AS title,
                 CASE WHEN german THEN
                   (ARRAY['Helle, renovierte Wohnung mit Balkon.', 'Ruhige Lage, Garten und Garage.',
                          'Neubau mit Aufzug und Kellerabteil.', 'Zentrumsnah, gute Verkehrsanbindung.',
                          'Sonnige Terrasse mit Blick ins Grüne.'])[1 + floor(r_words * 5)::int]
                   || ' ' || (ARRAY['Provisionsfrei.', 'Sofort bezugsfertig.', 'Haustiere erlaubt.',
                                    'Energieausweis vorhanden.'])[1 + floor(r_feat * 4)::int]
                 ELSE
                   (ARRAY['Světlý zrekonstruovaný byt s balkónem.', 'Klidná lokalita, zahrada a garáž.',
                          'Novostavba s výtahem a sklepem.', 'Blízko centra, výborná dostupnost MHD, u metra.',
                          'Slunná terasa s výhledem do zeleně.', 'Dům se zahradou v klidné části obce.',
                          'Cihlový byt po rekonstrukci, nová kuchyňská linka.'])[1 + floor(r_words * 7)::int]
                   || ' ' || (ARRAY['Bez provize.', 'Volné ihned.', 'Domácí mazlíčci vítáni.',
                                    'Průkaz energetické náročnosti k dispozici.', 'Parkování před domem.'])[1 + floor(r_feat * 5)::int]
                 END AS description
            FROM priced
        ) rows`,
      [count],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  // Hint bits and the visibility map, as a table that has lived a while has them.
  await client.query('VACUUM (ANALYZE) portal.listings');
}
