BEGIN TRANSACTION;
CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    held_at TEXT NOT NULL,
    triad_role TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    school_id TEXT,
    document TEXT NOT NULL
);
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE audit (
    sequence INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    component TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
, key_id TEXT NOT NULL DEFAULT '');
INSERT INTO "audit" VALUES(1,'2025-03-01T18:00:00.000000+00:00','sro-1','sro','incidents','read','denied','incident 1','','0000000000000000000000000000000000000000000000000000000000000000','25701bb9771fe80d3dbad3735e45c69752a848298bda3a53349992f834923c33','');
INSERT INTO "audit" VALUES(2,'2025-03-01T18:01:00.000000+00:00','sro-1','sro','incidents','read','denied',NULL,'','25701bb9771fe80d3dbad3735e45c69752a848298bda3a53349992f834923c33','f77e2acb1044ee2aa0194437cde36948bc443e99fea45b8744d04e9eaa82dfd8','');
INSERT INTO "audit" VALUES(3,'2025-03-01T18:02:00.000000+00:00','sro-1','sro','incidents','read','denied',NULL,'','f77e2acb1044ee2aa0194437cde36948bc443e99fea45b8744d04e9eaa82dfd8','ab6bff7989dfd8806c191194d61432a9570ae669c17f3c52934917a2086dc364','');
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    officer_id TEXT NOT NULL,
    at TEXT NOT NULL,
    triad_role TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    school_id TEXT,
    party TEXT NOT NULL,
    purpose TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE crises (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    school_id TEXT NOT NULL,
    status TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE deliveries (
    event_id TEXT NOT NULL,
    notifier TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT,
    last_error TEXT, claim TEXT, lease_until TEXT,
    PRIMARY KEY (event_id, notifier)
) WITHOUT ROWID;
INSERT INTO "deliveries" VALUES('00000000-0000-0000-0000-00000000000b','log','delivered',1,NULL,NULL,NULL,NULL);
INSERT INTO "deliveries" VALUES('00000000-0000-0000-0000-00000000000c','log','dead',5,NULL,'x',NULL,NULL);
CREATE TABLE incident_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);
INSERT INTO "incident_numbers" VALUES(2025,3);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    number TEXT UNIQUE,
    school_id TEXT,
    reporting_officer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    location_kind TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    local_month TEXT NOT NULL,
    referred_to_law_enforcement INTEGER NOT NULL,
    school_related_arrest INTEGER NOT NULL,
    narrative TEXT NOT NULL,
    document TEXT NOT NULL
);
INSERT INTO "incidents" VALUES('00000000-0000-0000-0000-000000000001',1,'2025-000001','00000000-0000-0000-0000-00000000000a','00000000-0000-0000-0000-0000000000f1','reported','fight','on_campus','2025-10-07T09:30:00.000000+00:00','2025-10',1,1,'Incident 1: Émile and a student.','{"reporting_officer_id":"00000000-0000-0000-0000-0000000000f1","occurred_start":"2025-10-07T09:30:00+00:00","reported_at":"2025-10-07T10:30:00+00:00","location":{"kind":"on_campus","nibrs_code":"52","zone":null,"address":null,"derived":false},"category":"fight","school_id":"00000000-0000-0000-0000-00000000000a","occurred_end":null,"offenses":[],"involvements":[{"person":{"kind":"student","name":"Kim","date_of_birth":null,"student_number":null,"grade":null,"demographics":{"sex":"F","races":[],"hispanic_or_latino":null,"idea":true,"section_504":null,"english_learner":null},"phone":null,"id":"00000000-0000-0000-0000-000000000005","version":0},"roles":["arrestee","suspect"],"victim":null,"arrest":{"arrested_on":"2025-10-07","offense_code":"13B","arrest_type":"T","armed_with":["01"],"juvenile_disposition":"H","multiple_arrestee":"N","transaction_number":null,"resident_status":null},"estimated_age":null}],"property":[],"drugs":[],"narrative":"Incident 1: Émile and a student.","status":"reported","disposition":null,"referred_to_law_enforcement":true,"school_related_arrest":true,"restrictions":[],"origin":"law_enforcement_unit","escalated_from":null,"review":"unsubmitted","reviews":[],"number":"2025-000001","non_person_victims":[],"offender_unknown":false,"nibrs_number":null,"id":"00000000-0000-0000-0000-000000000001","version":1}');
INSERT INTO "incidents" VALUES('00000000-0000-0000-0000-000000000002',1,'2025-000002','00000000-0000-0000-0000-00000000000a','00000000-0000-0000-0000-0000000000f1','reported','theft','on_campus','2025-10-08T09:30:00.000000+00:00','2025-10',1,1,'Incident 2: Émile and a student.','{"reporting_officer_id":"00000000-0000-0000-0000-0000000000f1","occurred_start":"2025-10-08T09:30:00+00:00","reported_at":"2025-10-08T10:30:00+00:00","location":{"kind":"on_campus","nibrs_code":"52","zone":null,"address":null,"derived":false},"category":"theft","school_id":"00000000-0000-0000-0000-00000000000a","occurred_end":null,"offenses":[],"involvements":[{"person":{"kind":"student","name":"Kim","date_of_birth":null,"student_number":null,"grade":null,"demographics":{"sex":"F","races":[],"hispanic_or_latino":null,"idea":true,"section_504":null,"english_learner":null},"phone":null,"id":"00000000-0000-0000-0000-000000000005","version":0},"roles":["arrestee","suspect"],"victim":null,"arrest":{"arrested_on":"2025-10-08","offense_code":"13B","arrest_type":"T","armed_with":["01"],"juvenile_disposition":"H","multiple_arrestee":"N","transaction_number":null,"resident_status":null},"estimated_age":null}],"property":[],"drugs":[],"narrative":"Incident 2: Émile and a student.","status":"reported","disposition":null,"referred_to_law_enforcement":true,"school_related_arrest":true,"restrictions":[],"origin":"law_enforcement_unit","escalated_from":null,"review":"unsubmitted","reviews":[],"number":"2025-000002","non_person_victims":[],"offender_unknown":false,"nibrs_number":null,"id":"00000000-0000-0000-0000-000000000002","version":1}');
INSERT INTO "incidents" VALUES('00000000-0000-0000-0000-000000000003',1,'2025-000003','00000000-0000-0000-0000-00000000000a','00000000-0000-0000-0000-0000000000f1','reported','fight','on_campus','2025-10-09T09:30:00.000000+00:00','2025-10',1,1,'Incident 3: Émile and a student.','{"reporting_officer_id":"00000000-0000-0000-0000-0000000000f1","occurred_start":"2025-10-09T09:30:00+00:00","reported_at":"2025-10-09T10:30:00+00:00","location":{"kind":"on_campus","nibrs_code":"52","zone":null,"address":null,"derived":false},"category":"fight","school_id":"00000000-0000-0000-0000-00000000000a","occurred_end":null,"offenses":[],"involvements":[{"person":{"kind":"student","name":"Kim","date_of_birth":null,"student_number":null,"grade":null,"demographics":{"sex":"F","races":[],"hispanic_or_latino":null,"idea":true,"section_504":null,"english_learner":null},"phone":null,"id":"00000000-0000-0000-0000-000000000005","version":0},"roles":["arrestee","suspect"],"victim":null,"arrest":{"arrested_on":"2025-10-09","offense_code":"13B","arrest_type":"T","armed_with":["01"],"juvenile_disposition":"H","multiple_arrestee":"N","transaction_number":null,"resident_status":null},"estimated_age":null}],"property":[],"drugs":[],"narrative":"Incident 3: Émile and a student.","status":"reported","disposition":null,"referred_to_law_enforcement":true,"school_related_arrest":true,"restrictions":[],"origin":"law_enforcement_unit","escalated_from":null,"review":"unsubmitted","reviews":[],"number":"2025-000003","non_person_victims":[],"offender_unknown":false,"nibrs_number":null,"id":"00000000-0000-0000-0000-000000000003","version":1}');
CREATE TABLE involvements (
    incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL,
    person_kind TEXT NOT NULL,
    victim INTEGER NOT NULL,
    suspect INTEGER NOT NULL,
    offender INTEGER NOT NULL,
    arrestee INTEGER NOT NULL,
    witness INTEGER NOT NULL,
    reporting_party INTEGER NOT NULL,
    sex TEXT NOT NULL,
    race_ethnicity TEXT,
    idea INTEGER,
    section_504 INTEGER,
    english_learner INTEGER,
    PRIMARY KEY (incident_id, person_id)
) WITHOUT ROWID;
INSERT INTO "involvements" VALUES('00000000-0000-0000-0000-000000000001','00000000-0000-0000-0000-000000000005','student',0,1,0,1,0,0,'F',NULL,1,NULL,NULL);
INSERT INTO "involvements" VALUES('00000000-0000-0000-0000-000000000002','00000000-0000-0000-0000-000000000005','student',0,1,0,1,0,0,'F',NULL,1,NULL,NULL);
INSERT INTO "involvements" VALUES('00000000-0000-0000-0000-000000000003','00000000-0000-0000-0000-000000000005','student',0,1,0,1,0,0,'F',NULL,1,NULL,NULL);
CREATE TABLE nibrs_submissions (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    ori TEXT NOT NULL,
    category TEXT NOT NULL,
    number TEXT NOT NULL,
    action TEXT NOT NULL,
    period TEXT NOT NULL,
    submission TEXT NOT NULL,
    document TEXT NOT NULL,
    message_id TEXT NOT NULL,
    written_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    sequence INTEGER,
    incident_id TEXT,
    arrested_on TEXT
);
INSERT INTO "nibrs_submissions" VALUES(1,'CA0190000','GroupAIncidentReport','2025-000001','I','2025-10','nibrs-2025-10.zip','2025-000001.xml','m-1','2025-10-06T09:30:00.000000+00:00','clerk-1','f00d',NULL,'00000000-0000-0000-0000-000000000001','2025-10-07');
CREATE TABLE officers (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    badge TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL
);
INSERT INTO "officers" VALUES('00000000-0000-0000-0000-0000000000f1',1,'101','{"badge":"101","name":"Ada Park","rank":"Officer","status":"active","certifications":[],"id":"00000000-0000-0000-0000-0000000000f1","version":1}');
CREATE TABLE outbox (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    urgent INTEGER NOT NULL,
    event TEXT NOT NULL,
    recorded_at TEXT NOT NULL
, settled_at TEXT);
INSERT INTO "outbox" VALUES(1,'00000000-0000-0000-0000-00000000000b',0,'{"occurred_at":"2025-03-01T18:00:00+00:00","event_id":"00000000-0000-0000-0000-00000000000b","incident_id":"00000000-0000-0000-0000-000000000001","number":"2025-000001","school_id":"00000000-0000-4000-8000-00000000000a","category":"fight","type":"IncidentReported"}','2025-10-06T09:30:00.000000+00:00',NULL);
INSERT INTO "outbox" VALUES(2,'00000000-0000-0000-0000-00000000000c',1,'{"occurred_at":"2025-03-01T18:00:00+00:00","event_id":"00000000-0000-0000-0000-00000000000c","crisis_id":"00000000-0000-0000-0000-000000000002","school_id":"00000000-0000-4000-8000-00000000000a","kind":"lockdown","type":"CrisisDeclared"}','2025-10-06T09:30:00.000000+00:00',NULL);
INSERT INTO "outbox" VALUES(3,'00000000-0000-0000-0000-00000000000d',0,'{"occurred_at":"2025-03-01T18:00:00+00:00","event_id":"00000000-0000-0000-0000-00000000000d","incident_id":"00000000-0000-0000-0000-000000000003","number":"2025-000002","school_id":null,"category":"theft","type":"IncidentReported"}','2025-10-06T09:30:00.000000+00:00',NULL);
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    incident_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
INSERT INTO "schema_version" VALUES(1,'2026-12-05T09:59:22+00:00');
INSERT INTO "schema_version" VALUES(2,'2026-12-05T09:59:22+00:00');
INSERT INTO "schema_version" VALUES(3,'2026-12-05T09:59:22+00:00');
INSERT INTO "schema_version" VALUES(4,'2026-12-05T09:59:22+00:00');
INSERT INTO "schema_version" VALUES(5,'2026-12-05T09:59:22+00:00');
CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE store_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "store_settings" VALUES('time_zone','America/Los_Angeles');
CREATE INDEX assignments_by_officer ON assignments (officer_id);
CREATE INDEX assignments_by_school ON assignments (school_id);
CREATE INDEX incidents_by_school_category ON incidents (school_id, category, occurred_at);
CREATE INDEX incidents_by_school ON incidents (school_id, occurred_at);
CREATE INDEX incidents_by_time ON incidents (occurred_at, id);
CREATE INDEX incidents_by_officer ON incidents (reporting_officer_id, occurred_at);
CREATE INDEX incidents_by_month
    ON incidents (local_month, school_id, category, occurred_at, status);
CREATE INDEX involvements_by_person ON involvements (person_id);
CREATE INDEX contacts_by_time ON contacts (at);
CREATE INDEX contacts_by_officer ON contacts (officer_id, at);
CREATE INDEX activities_by_time ON activities (held_at);
CREATE INDEX activities_by_officer ON activities (officer_id, held_at);
CREATE INDEX referrals_by_incident ON referrals (incident_id);
CREATE INDEX referrals_by_time ON referrals (sent_at);
CREATE INDEX referrals_by_partner ON referrals (partner_id);
CREATE INDEX crises_by_status ON crises (status, school_id);
CREATE INDEX outbox_by_event ON outbox (event_id);
CREATE INDEX deliveries_by_status ON deliveries (status);
CREATE INDEX outbox_open ON outbox (urgent DESC, sequence) WHERE settled_at IS NULL;
CREATE INDEX outbox_settled ON outbox (settled_at) WHERE settled_at IS NOT NULL;
CREATE INDEX nibrs_submissions_by_ori ON nibrs_submissions (ori, position);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('outbox',3);
INSERT INTO "sqlite_sequence" VALUES('nibrs_submissions',1);
COMMIT;
