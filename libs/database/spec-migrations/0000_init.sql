CREATE TABLE "database_spec_notes" (
	"id" integer PRIMARY KEY NOT NULL,
	"body" text NOT NULL
);
