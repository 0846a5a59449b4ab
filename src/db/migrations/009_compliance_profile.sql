-- A conversation may run under another compliance profile than the deployment's (a UK customer served from a
-- CN deployment): null means the deployment's COMPLIANCE_PROFILE.
alter table conversations add column compliance_profile text;
