-- Searches for target customers (目标客户) combine the flag with other filters; target
-- customers are a small share of all, so walking them alone in page order is the cheap path.
CREATE INDEX customers_targets_seq ON customers (seq DESC) WHERE is_target;
