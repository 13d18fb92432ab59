-- Placeholder for migration 0012 (check_log), which is added on another
-- branch; migrations must be numbered without gaps. Drop this file when that
-- branch's 0012 is merged.
SELECT 1;
