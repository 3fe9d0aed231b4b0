-- A person is the user id when known, else the anonymous id: the view
-- derives it instead of the table storing it again. A third high-cardinality
-- string column cost an import about a fifth of DuckDB's storage work.
DROP VIEW touchpoints;
ALTER TABLE events DROP COLUMN person;
CREATE VIEW touchpoints AS
SELECT e.*, coalesce(e.user_id, e.anonymous_id) AS person,
       c.key AS channel, c.platform, c.ownership, c.skippable, c.channel_group,
       c.source, c.medium, c.campaign, c.content, c.term,
       CASE e.stage_rank WHEN 1 THEN 'stimulus' WHEN 2 THEN 'find' WHEN 3 THEN 'understand'
            WHEN 4 THEN 'engage' WHEN 5 THEN 'purchase' WHEN 6 THEN 'advocate' END AS stage
FROM events e JOIN channels c ON c.id = e.channel_id;
