-- CUS-19: the periodic rescore walks summaries oldest computation first (jobs/value-rescore-job.ts).
CREATE INDEX IF NOT EXISTS customer_summary_computed ON customer_summary (computed_at);
