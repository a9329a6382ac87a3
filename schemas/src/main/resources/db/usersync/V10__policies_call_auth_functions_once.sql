-- V1's users_update_own called auth.uid() once for every row an update reads; wrapped in a select, Postgres calls it
-- once per statement (an initPlan), as Supabase's linter asks (lint 0003, auth_rls_initplan). Same rule, same rows.
-- Only the policy as V1 made it: a table `usersync migrate` adopted keeps the app's own policies, whatever their name.
do $$
begin
    if exists (select 1 from pg_catalog.pg_policies p
               where p.schemaname = 'public' and p.tablename = 'users' and p.policyname = 'users_update_own'
                 and p.qual = '(auth.uid() = id)' and p.with_check = '(auth.uid() = id)') then
        alter policy users_update_own on public.users
            using ((select auth.uid()) = id)
            with check ((select auth.uid()) = id);
    end if;
end
$$;
