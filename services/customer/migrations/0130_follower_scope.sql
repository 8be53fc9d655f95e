-- Followers (跟进人) read the customers they follow (libs/auth customerScopeOf). The scope adds
-- "OR c.follower_id = $user" to every read; this index keeps that branch a range scan, and the
-- customer list runs it as a branch of its own (customer-repository.ts) so that owner-led sort
-- indexes still serve a rep's pages.
CREATE INDEX IF NOT EXISTS customers_follower ON customers (follower_id, seq DESC) WHERE follower_id IS NOT NULL AND deleted_at IS NULL;
