-- The responsible leader's quality rating (优/良/中/差) of a finished task, used in scoring.
ALTER TABLE tasks ADD COLUMN quality TEXT;
