CREATE TABLE "relay_plugin_connections" (
	"plugin" text NOT NULL,
	"org_id" text NOT NULL,
	"connection_name" text NOT NULL,
	"enabled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relay_plugin_connections_plugin_org_id_connection_name_pk" PRIMARY KEY("plugin","org_id","connection_name")
);
--> statement-breakpoint
CREATE TABLE "relay_session_connections" (
	"sid" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"connection_name" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
