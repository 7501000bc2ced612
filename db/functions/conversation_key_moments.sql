-- The seconds into a call worth showing: the moments its analysis found under topics (a number,
-- or an object with a numeric "seconds"), each once, earliest first.
CREATE OR REPLACE FUNCTION conversation_key_moments(p_metrics jsonb, p_max integer) RETURNS numeric[]
  LANGUAGE sql IMMUTABLE
  AS $$
  SELECT coalesce(array_agg(s ORDER BY s), '{}')
    FROM (SELECT DISTINCT s
            FROM (SELECT CASE jsonb_typeof(m)
                           WHEN 'number' THEN m::text::numeric
                           WHEN 'object' THEN CASE WHEN jsonb_typeof(m -> 'seconds') = 'number'
                                                   THEN (m ->> 'seconds')::numeric END
                         END AS s
                    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_metrics -> 'topics') = 'array'
                                                   THEN p_metrics -> 'topics' ELSE '[]' END) AS t(topic)
                   CROSS JOIN LATERAL jsonb_array_elements(
                           CASE WHEN jsonb_typeof(t.topic -> 'moments') = 'array' THEN t.topic -> 'moments' ELSE '[]' END
                         ) AS mm(m)) AS found
           WHERE s IS NOT NULL
           ORDER BY s
           LIMIT p_max) AS firsts
$$;
