-- The current tenant, or an error when none is set: the functions that save and read credentials
-- take the account from the transaction, never from "the first account".
CREATE OR REPLACE FUNCTION app_require_account_id() RETURNS uuid
  LANGUAGE plpgsql STABLE
  AS $$
  DECLARE
    v uuid := app_account_id();
  BEGIN
    IF v IS NULL THEN
      RAISE EXCEPTION 'no tenant is set for this transaction' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN v;
  END $$;
