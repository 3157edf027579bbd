-- heed on Citus: every account's rows on one shard, every account's tables colocated.
--
-- Run once on the coordinator of a Citus cluster, after `heed db upgrade` and before the
-- first request:  psql -v ON_ERROR_STOP=1 --single-transaction -f scripts/citus/distribute.sql
-- docs/SCALING.md says why each table goes where it goes. The plan is checked against
-- the migrated schema on plain PostgreSQL by tests/integration/test_distribution_plan.py
-- (with stand-ins for Citus's two functions that enforce Citus's rules); a table added
-- to heed without a line here fails that test.

-- The ledger's guards are row triggers that read only the row they guard (the
-- account's ledger head, a stripe's head) or rows of the same account (a replayed
-- ledger entry); with every account's rows on one shard they stay correct on each shard.
SET citus.enable_unsafe_triggers TO on;

-- Lookup tables: heed finds an account from a business number (an inbound text), a key
-- hash (an API request), an email (a sign-in) or a session token (a staff page), each
-- unique across all accounts. They are small, read on every request, written rarely:
-- reference tables, copied to every node. A reference table cannot point at a
-- distributed one, so their references to accounts go; accounts are never deleted.
ALTER TABLE business_numbers DROP CONSTRAINT fk_business_numbers_account_id_accounts;
ALTER TABLE api_keys DROP CONSTRAINT fk_api_keys_account_id_accounts;
ALTER TABLE users DROP CONSTRAINT fk_users_account_id_accounts;
SELECT create_reference_table('business_numbers');
SELECT create_reference_table('api_keys');
SELECT create_reference_table('users');
SELECT create_reference_table('staff_sessions');

-- Instance-wide bookkeeping: one row per name, not per account.
SELECT create_reference_table('instance_settings');
SELECT create_reference_table('ledger_check_runs');

-- The account, which carries its ledger head (R-17), and everything it owns, by account.
SELECT create_distributed_table('accounts', 'id');
SELECT create_distributed_table('customers', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('locations', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('contacts', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('contact_changes', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('consent_events', 'account_id', colocate_with => 'accounts');
-- The heads of the account's ledger stripes, beside its entries (their guard trigger
-- reads only the row it guards).
SELECT create_distributed_table('ledger_stripes', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('consent_state', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('inbound_messages', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('consent_reviews', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('messages', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('audit_log', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('ledger_checks', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('preference_links', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('import_jobs', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('import_problems', 'account_id', colocate_with => 'accounts');
SELECT create_distributed_table('marketing_consent', 'account_id', colocate_with => 'accounts');
