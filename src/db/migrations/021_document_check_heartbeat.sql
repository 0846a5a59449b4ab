-- A publish gate check runs in the background of the replica that took the submission. If that replica stops, the
-- check would stay 'running' forever and the version could never be approved. The running replica now beats this
-- column; a running check whose beat is stale was interrupted, and reading it marks it 'error' (submit again).
alter table document_checks add column heartbeat_at timestamptz not null default now();
