-- ContactPoint store, schema version 10: children found by their accountable
-- authority or national queue (an authority's reports, such as the
-- missing-education report, read its own children, not the nation's).
CREATE INDEX children_by_accountable ON children (accountable)
  WHERE accountable IS NOT NULL;
