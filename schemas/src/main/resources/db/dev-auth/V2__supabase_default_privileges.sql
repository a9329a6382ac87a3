-- Dev-only: the privileges a Supabase project grants in schema public, so that every table, sequence
-- and function a later migration creates there starts with ALL for anon, authenticated and service_role,
-- as it does on Supabase. Tests of what those roles can do then run against the real shape, not a
-- friendlier one. Applies to objects created by the role running the migrations (postgres on Supabase).
grant usage on schema public to anon, authenticated, service_role;

alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
